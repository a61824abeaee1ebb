#!/bin/sh
# Kafka's kafka-acls.sh command line, served by `tributary acls` (no Java needed). Point KAFKA_PATH at
# scripts/kafka-tools for tools and test suites that run "$KAFKA_PATH/bin/kafka-acls.sh".
exec node "$(dirname "$0")/../../tributary.js" acls "$@"
