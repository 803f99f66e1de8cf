"""AWS Config's advanced query language, parsed and evaluated for real.

    SELECT item[, item...] [WHERE condition] [GROUP BY path[, path...]]
        [ORDER BY key [ASC|DESC], ...]

item: `*`, a property path (`configuration.configRuleList.complianceType`), or COUNT/SUM/AVG/MIN/MAX
of one path (COUNT also of `*`). Conditions: =, !=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, combined
with AND, OR, NOT and parentheses. LIKE has two wildcards, as AWS documents: `%` (any characters,
only at the end) and `_` (any one character, so a name with `_` in a pattern is not a literal),
with at least 3 characters before the first of them. A condition on a path through an array
matches if any element matches, element by element independently, as AWS documents. FROM, JOIN,
DISTINCT, AS, HAVING, UNION, LIMIT and NULL tests are InvalidExpressionException, as in AWS; so is
an expression over 4096 characters here, though the API rejects it first (ValidationException).

Pure, in four steps, one module each: `lexer.tokenize()` cuts text into tokens, `parser.parse()`
turns them into a `syntax.Query`, and `evaluator.run()` evaluates that over documents
(`evaluator.pinned()` tells a reader which documents a condition cannot match). Import the
module that holds a name; this package re-exports nothing.
"""
