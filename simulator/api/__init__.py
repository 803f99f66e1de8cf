"""The AWS Config operations the simulator serves, one module per family of operations, computed
from the source accounts' own state.

Each operation takes the calling account and region and the request's JSON members, validates
what AWS validates server-side (required members, enums, Limit maxima, tokens; the patterns and
lengths of names and ids are checked before, by `simulator.validation`), and returns the response
members. Errors are the AWS error codes of `simulator.errors`. `simulator.operations` lists them
all for `simulator.install`; import a name from the module that holds it, as this package
re-exports nothing.
"""
