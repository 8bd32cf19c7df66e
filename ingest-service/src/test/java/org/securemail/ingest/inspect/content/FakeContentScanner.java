package org.securemail.ingest.inspect.content;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smallrye.mutiny.Uni;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;
import org.securemail.ingest.inspect.content.ScanVerdict.Symbol;

/**
 * An in-memory {@link ContentScanner} that behaves like rspamd on the test patterns: rspamd's GTUBE is REJECT, its
 * add header and rewrite subject variants are TAG, anything else is ACCEPT; a message over the bound is SKIPPED.
 * {@link #failWith} makes every scan fail as an unreachable or slow rspamd would. Bound to
 * {@link RspamdScanner} by {@link ContentScannerContract}.
 */
public final class FakeContentScanner implements ContentScanner {

    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final double REQUIRED_SCORE = 15;

    private final long maxMessageBytes;
    private final List<ScanRequest> scanned = new CopyOnWriteArrayList<>();
    private volatile ScanProblem failure;

    public FakeContentScanner(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** From now on every scan is SCAN_FAILED with this problem; {@code null} to work again. */
    public FakeContentScanner failWith(ScanProblem problem) {
        this.failure = problem;
        return this;
    }

    /** The requests that reached the scanner (not those skipped for their size). */
    public List<ScanRequest> scanned() {
        return List.copyOf(scanned);
    }

    @Override
    public Uni<ScanVerdict> scan(ScanRequest request) {
        if (request.message().length > maxMessageBytes) {
            return Uni.createFrom().item(ScanVerdict.skipped(request.message().length, maxMessageBytes));
        }
        ScanProblem problem = failure;
        if (problem != null) {
            return Uni.createFrom().item(ScanVerdict.failed(problem, "fake scanner failing with " + problem));
        }
        scanned.add(request);
        String text = new String(request.message(), StandardCharsets.ISO_8859_1);
        return Uni.createFrom().item(verdict(text));
    }

    private static ScanVerdict verdict(String text) {
        String tail = GTUBE.substring(3);
        if (text.contains("XJS" + tail)) {
            return gtube(Action.REJECT, REQUIRED_SCORE);
        }
        if (text.contains("YJS" + tail)) {
            return gtube(Action.TAG, 6);
        }
        if (text.contains("ZJS" + tail)) {
            return gtube(Action.TAG, 0);
        }
        return new ScanVerdict(Action.ACCEPT, 0, REQUIRED_SCORE, List.of(), "", ScanProblem.NONE);
    }

    private static ScanVerdict gtube(Action action, double score) {
        return new ScanVerdict(action, score, REQUIRED_SCORE, List.of(new Symbol("GTUBE", 0, List.of())),
                "Gtube pattern", ScanProblem.NONE);
    }
}
