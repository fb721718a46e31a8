"""Self-tests that run harness sessions of their own (pytester, or `python -m pytest` in a subprocess)
and the app itself on the local and docker targets: real backend, frontend, Chromium and, where
marked, Docker (`make test-sessions`)."""
