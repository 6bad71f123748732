"""Integration events: CloudEvents envelope, transactional outbox, relay, inbox, consumers."""
