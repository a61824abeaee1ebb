"""Keeps a librdkafka in-memory mock cluster alive and prints its bootstrap address, so that the same client
binary (kcat, kafkajs) can be measured against it and against Tributary in one run. Stops when stdin closes."""
import sys
from confluent_kafka import Producer

p = Producer({'test.mock.num.brokers': 1, 'bootstrap.servers': 'unused'})
md = p.list_topics(timeout=10)
print(",".join(f"{b.host}:{b.port}" for b in md.brokers.values()), flush=True)
sys.stdin.read()
