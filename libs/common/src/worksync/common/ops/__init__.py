"""The operator's tools, one command line: `python -m worksync.common.ops <command>`.

`deadletters` (inspect, replay, purge dead queues), `outbox status` (backlog and consumer
lag), `republish` (a producer's aggregates again, as snapshot events) and `rebuild` (clear a
consumer's projection for them). Services declare what they offer in
`messaging/republish.py` (`services.ServiceOperations`); `docs/operations.md` has the
runbooks.
"""
