package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;

/**
 * What every {@link ContentScanner} must do; run by {@link FakeContentScanner} and by {@link RspamdScanner} against a
 * real rspamd. Implementations supply a working scanner bounded to {@link #MAX_MESSAGE_BYTES} and an unavailable one.
 */
public interface ContentScannerContract {

    long MAX_MESSAGE_BYTES = 256 * 1024;
    Duration WAIT = Duration.ofSeconds(30);

    String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    ContentScanner scanner();

    /** A scanner whose backend cannot be reached. */
    ContentScanner unavailableScanner();

    static byte[] message(String subject, String body) {
        return ("From: Alice <alice@example.org>\r\n"
                + "To: Bob <bob@example.net>\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Sun, 6 Dec 2026 12:00:00 +0000\r\n"
                + "Message-ID: <" + subject.hashCode() + "@example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n" + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static ScanRequest request(byte[] message) {
        return new ScanRequest(message, InetAddress.getLoopbackAddress(), "mail.example.org", "alice@example.org",
                List.of("bob@example.net"), null, "Q-contract");
    }

    static ScanRequest request(String body) {
        return request(message("contract", body));
    }

    private ScanVerdict scan(ContentScanner scanner, ScanRequest request) {
        return scanner.scan(request).await().atMost(WAIT);
    }

    @Test
    default void gtubeIsRejectedWithTheGtubeSymbol() {
        ScanVerdict verdict = scan(scanner(), request("Buy now.\r\n" + GTUBE));
        assertThat(verdict.action()).isEqualTo(Action.REJECT);
        assertThat(verdict.scanned()).isTrue();
        assertThat(verdict.symbol("GTUBE")).isPresent();
        assertThat(verdict.score()).isGreaterThanOrEqualTo(verdict.requiredScore());
    }

    @Test
    default void plainMessageIsAccepted() {
        ScanVerdict verdict = scan(scanner(), request("Shall we have lunch on Tuesday at the usual place?"));
        assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
        assertThat(verdict.problem()).isEqualTo(ScanProblem.NONE);
        assertThat(verdict.score()).isLessThan(verdict.requiredScore());
        assertThat(verdict.symbol("GTUBE")).isEmpty();
    }

    @Test
    default void addHeaderTestPatternIsTagged() {
        ScanVerdict verdict = scan(scanner(), request("Y" + GTUBE.substring(1)));
        assertThat(verdict.action()).isEqualTo(Action.TAG);
        assertThat(verdict.symbol("GTUBE")).isPresent();
    }

    @Test
    default void rewriteSubjectTestPatternIsTagged() {
        ScanVerdict verdict = scan(scanner(), request("Z" + GTUBE.substring(1)));
        assertThat(verdict.action()).isEqualTo(Action.TAG);
    }

    @Test
    default void messageOverTheLimitIsSkippedWithAReasonNotScanned() {
        byte[] body = new byte[(int) MAX_MESSAGE_BYTES];
        Arrays.fill(body, (byte) 'a');
        ScanVerdict verdict = scan(scanner(), request(message("big", GTUBE + "\r\n" + new String(body,
                StandardCharsets.US_ASCII))));
        assertThat(verdict.action()).isEqualTo(Action.SKIPPED);
        assertThat(verdict.problem()).isEqualTo(ScanProblem.MESSAGE_TOO_LARGE);
        assertThat(verdict.message()).contains("larger than " + MAX_MESSAGE_BYTES);
    }

    @Test
    default void messageJustUnderTheLimitIsScanned() {
        // plain padding: rspamd looks for GTUBE only in small text parts, so a big one would not be a REJECT
        byte[] head = message("nearly big", "A long and boring report follows.");
        byte[] padded = Arrays.copyOf(head, (int) MAX_MESSAGE_BYTES);
        for (int i = head.length; i < padded.length; i++) {
            padded[i] = (byte) ((i - head.length) % 78 == 77 ? '\n' : 'b');
        }
        ScanVerdict verdict = scan(scanner(), request(padded));
        assertThat(verdict.problem()).isEqualTo(ScanProblem.NONE);
        assertThat(verdict.action()).isEqualTo(Action.ACCEPT);
    }

    @Test
    default void unavailableScannerIsAScanFailureNotAnException() {
        ScanVerdict verdict = scan(unavailableScanner(), request("hello"));
        assertThat(verdict.action()).isEqualTo(Action.SCAN_FAILED);
        assertThat(verdict.scanned()).isFalse();
        assertThat(verdict.problem()).isNotIn(ScanProblem.NONE, ScanProblem.MESSAGE_TOO_LARGE);
    }

    @Test
    default void nullSenderAndHostileEnvelopeAreStillScanned() throws Exception {
        ScanRequest hostile = new ScanRequest(message("bounce", GTUBE), InetAddress.getByName("2001:db8::25"),
                "evil\r\nX-Injected: yes", "", List.of("b\u00fcb@example.net", "bob@example.net"), "m\u00e4x",
                "Q\nhostile");
        ScanVerdict verdict = scan(scanner(), hostile);
        assertThat(verdict.action()).isEqualTo(Action.REJECT);
    }
}
