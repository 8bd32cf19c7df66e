package org.securemail.ingest.accept;

import java.util.Optional;

/** The fake passes the same contract as the Kafka adapter. */
class FakeMailQueueTest implements MailQueueContract {

    private final FakeMailQueue queue = new FakeMailQueue();

    @Override
    public MailQueue queue() {
        return queue;
    }

    @Override
    public MailQueue unavailableQueue() {
        return new FakeMailQueue().behave(FakeMailQueue.Behaviour.FAIL);
    }

    @Override
    public Optional<FakeMailQueue.Stored> readBack(String queueId) {
        return queue.stored().stream().filter(s -> s.envelope().queueId().equals(queueId)).findFirst();
    }
}
