package org.securemail.ingest.stage;

import java.time.Instant;
import java.util.List;

/**
 * The Kafka header {@value #HEADER} of a parked message: when it was first inspected, how many passes it had and
 * when the next is due. A message from {@code mail.accepted} has none.
 *
 * @param firstSeenAt when the stage first inspected the message (the longest wait counts from here)
 * @param passes      passes over the checks so far
 * @param dueAt       the next pass is not before this
 * @param waitingFor  the checks that had no final result on the last pass ({@code spf}, {@code dmarc}...)
 */
public record ParkState(Instant firstSeenAt, int passes, Instant dueAt, List<String> waitingFor) {

    public ParkState {
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
    }

    public static final String HEADER = "sm-inspect";
}
