#!/bin/sh
# Kafka's kafka-topics.sh command line, served by `tributary topics` (no Java needed). Point KAFKA_PATH at
# scripts/kafka-tools for tools and test suites that run "$KAFKA_PATH/bin/kafka-topics.sh".
exec node "$(dirname "$0")/../../tributary.js" topics "$@"
