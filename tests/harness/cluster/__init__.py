"""Self-tests of the local single-node cluster (scripts/dev/local-cluster.sh): those marked
`live_cluster` read its running processes and those marked `faults` break deployments on it
(`make test-cluster`, root); the rest check its script and agent with no cluster up
(`make test-cluster-offline`)."""
