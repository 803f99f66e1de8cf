"""The workshop's Slack side: a local stand-in for Slack's Web API (`slack_api`), the playground
page in front of it (`page`), what Slack sends an app (`slack_requests`), the whole bot started
against the simulator and the stand-in (`harness`), and `compliance-bot demo` (`demo`).

Not part of the product: the wheel holds bot/ and handlers/ alone; an editable install of a
checkout (`pip install -e '.[demo]'`) brings this package and the simulator (see setup.py). It
reaches the bot only through the bot's entry points (bot.app, bot.deps, bot.settings,
bot.slack.server, bot.cache.store), as a deployer does.
"""
