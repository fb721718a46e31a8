"""Self-tests of pure logic: no harness session, no app, no Docker, no cluster; each runs in milliseconds
(`make test-unit`). A fake stands in only for what the logic reads, never for a part a criterion uses."""
