package org.securemail.ingest.inspect.content;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A scanner's verdict on one message, mapped to the platform's policies.
 *
 * @param action        what the platform does with the message
 * @param score         the scanner's score (0 when not scanned)
 * @param requiredScore the score at which the scanner rejects (0 when not scanned)
 * @param symbols       the rules that matched, with their scores, in the scanner's order
 * @param message       a human reason: the scanner's SMTP message if it gave one, else why it was not scanned
 * @param problem       why the message was not scanned, {@link ScanProblem#NONE} when it was
 */
public record ScanVerdict(Action action, double score, double requiredScore, List<Symbol> symbols, String message,
        ScanProblem problem) {

    /** The platform's actions. The scanner's own actions map onto these (see {@link RspamdAction}). */
    public enum Action {
        /** Deliver as is. */
        ACCEPT,
        /** Deliver, marked as probable spam (a header, a rewritten subject). */
        TAG,
        /** Refuse for now: the sender is to retry. */
        TEMPFAIL,
        /** Refuse. */
        REJECT,
        /** Not scanned: the message was larger than the bound. Treated like {@link #ACCEPT} without a scan. */
        SKIPPED,
        /** The scan did not happen or its reply was unusable: a temporary error the stage decides on. */
        SCAN_FAILED
    }

    /** A rule that matched: its name, its score and the scanner's options (the matched values). */
    public record Symbol(String name, double score, List<String> options) {

        public Symbol {
            Objects.requireNonNull(name, "name");
            options = List.copyOf(options);
        }
    }

    public ScanVerdict {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(problem, "problem");
        symbols = List.copyOf(symbols);
        message = message == null ? "" : message;
    }

    /** A verdict for a message that was not scanned because of {@code problem}. */
    public static ScanVerdict failed(ScanProblem problem, String reason) {
        return new ScanVerdict(Action.SCAN_FAILED, 0, 0, List.of(), reason, problem);
    }

    /** A verdict for a message over the size bound: skipped, with a reason, not an error. */
    public static ScanVerdict skipped(long size, long limit) {
        return new ScanVerdict(Action.SKIPPED, 0, 0, List.of(),
                "message of " + size + " bytes not scanned: larger than " + limit, ScanProblem.MESSAGE_TOO_LARGE);
    }

    /** Whether the scanner looked at the message. */
    public boolean scanned() {
        return problem == ScanProblem.NONE;
    }

    /** The symbol with this name, if it matched. */
    public Optional<Symbol> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
