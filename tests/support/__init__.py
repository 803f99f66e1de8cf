"""What tests in several folders import: helpers, never fixtures (fixtures live in a conftest.py;
those several folders use, in tests/conftest.py). The bot itself is started one way, by
`playground.harness`."""
