"""Pure domain rules: no Flask, no database; table-tested in tests/test_domain_*.py."""
