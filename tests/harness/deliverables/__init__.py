"""Self-tests of this repository's deliverables: the README's commands, the CI workflow, the charts
under every value combination, the scripts, todo-harness-helm, and that every part comes from a
registry (`make test-deliverables`; the `live_cluster` ones in `make test-cluster`)."""
