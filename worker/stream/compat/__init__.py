"""Every place Copydesk relies on faust-streaming's or aiokafka's private behaviour, for the
versions pyproject.toml pins (faust-streaming 0.15.x, aiokafka 0.14): an upgrade starts here.

* ``fetch``: Faust's fetch hands aiokafka a snapshot of its active partitions, and none when
  there are none (records were taken and dropped at the end of a recovery); the consumer's
  fetch wait, hard-coded at 1.5 s, set from ``COPYDESK_CONSUMER_FETCH_MAX_WAIT``.
* ``recovery``: deliveries held until Faust resumes its flow after a recovery (its flow
  control clears the agents' queues); partitions without a committed offset rewound.
* ``consumer``: the aiokafka consumer inside Faust's consumer thread, the aiokafka producer
  behind Faust's (batched sends), and the consumer's state for the stall watchdog's log.

Besides these: ``outbox.publish_batched`` writes record batches through the aiokafka producer,
``tables.TableWrites`` writes a table's local data and its changelog records itself, and
``gaps`` reads messages Faust passed over with a consumer of its own. Each patch or private
attribute has a test that fails when Faust's code changes under it
(``tests/agents/test_compat.py``, ``test_fetch_guard.py``, ``test_recovery_hold.py``).
"""
