"""The set-up check (`compliance-bot doctor --setup`, and `serve` at start): one result per thing a
deployer sets up (settings, Slack, AWS, Redis, the configuration file), each with its fix."""
