#!/bin/sh
# Kafka's kafka-configs.sh command line (client quotas and topic configs), served by `tributary configs` (no Java
# needed). Point KAFKA_PATH at scripts/kafka-tools for tools and test suites that run "$KAFKA_PATH/bin/kafka-configs.sh".
exec node "$(dirname "$0")/../../tributary.js" configs "$@"
