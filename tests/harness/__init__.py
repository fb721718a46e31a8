"""The harness's self-tests, by what they need: unit/ (pure logic), sessions/ (harness sessions and
the app on this machine), cluster/ (the local cluster), deliverables/ (this repository's README,
workflow, charts, scripts). Each kind has its make target (make help); make test-harness runs all
but the live cluster's, which make test-cluster runs."""
