package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.ingest.inspect.content.ScanVerdict.Action;
import org.securemail.testing.FreePorts;
import org.securemail.testing.Rspamd;

/** The adapter against a real rspamd (the Debian package, DNS modules off), started once for the class. */
class RspamdScannerTest implements ContentScannerContract {

    private static Rspamd rspamd;
    private static RspamdScanner scanner;

    @BeforeAll
    static void startRspamd() {
        rspamd = Rspamd.builder().start();
        scanner = new RspamdScanner(RspamdOptions.defaults(rspamd.normalUri()).withMaxMessageBytes(MAX_MESSAGE_BYTES));
    }

    @AfterAll
    static void stopRspamd() {
        if (rspamd != null) {
            rspamd.close();
        }
    }

    @Override
    public ContentScanner scanner() {
        return scanner;
    }

    @Override
    public ContentScanner unavailableScanner() {
        return new RspamdScanner(RspamdOptions.defaults(URI.create("http://127.0.0.1:" + FreePorts.next())));
    }

    @Test
    void fixtureAnswersPingWithPong() {
        assertThat(rspamd.ping()).isEqualTo("pong");
    }

    @Test
    void gtubeRejectCarriesRspamdsScoreAndSmtpMessage() {
        ScanVerdict verdict = scanner.scan(ContentScannerContract.request(GTUBE)).await().atMost(WAIT);
        assertThat(verdict.requiredScore()).isEqualTo(15.0);
        assertThat(verdict.score()).isEqualTo(15.0);
        assertThat(verdict.message()).isEqualToIgnoringCase("Gtube pattern");
    }

    @Test
    void envelopeReachesRspamd() throws Exception {
        byte[] message = ContentScannerContract.message("envelope", "Hello Bob, the minutes are attached.");
        ScanRequest same = new ScanRequest(message, InetAddress.getByName("192.0.2.10"), "mail.example.org",
                "alice@example.org", List.of("bob@example.net"), null, "Q-env-1");
        ScanRequest other = new ScanRequest(message, InetAddress.getByName("192.0.2.10"), "mail.example.org",
                "bounces@list.example.com", List.of("carol@example.com"), null, "Q-env-2");

        ScanVerdict matching = scanner.scan(same).await().atMost(WAIT);
        ScanVerdict differing = scanner.scan(other).await().atMost(WAIT);

        assertThat(matching.symbol("FROM_EQ_ENVFROM")).isPresent();
        assertThat(differing.symbol("FROM_NEQ_ENVFROM")).isPresent();
        assertThat(matching.symbol("TO_MATCH_ENVRCPT_ALL")).isPresent();
        assertThat(differing.symbol("TO_MATCH_ENVRCPT_ALL")).isEmpty();
    }

    @Test
    void symbolsCarryRspamdsScoresAndOptions() {
        ScanVerdict verdict = scanner.scan(ContentScannerContract.request("Plain words only.")).await().atMost(WAIT);
        assertThat(verdict.symbols()).isNotEmpty();
        assertThat(verdict.symbol("MIME_GOOD")).hasValueSatisfying(symbol -> {
            assertThat(symbol.score()).isNegative();
            assertThat(symbol.options()).contains("text/plain");
        });
        assertThat(verdict.score()).isEqualTo(verdict.symbols().stream().mapToDouble(ScanVerdict.Symbol::score)
                .sum(), org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void messageThatIsNotMimeIsStillScanned() {
        ScanVerdict verdict = scanner.scan(ContentScannerContract.request("x".getBytes())).await().atMost(WAIT);
        assertThat(verdict.scanned()).isTrue();
        assertThat(verdict.symbol("MISSING_FROM")).isPresent();
    }

    @Test
    void manyConcurrentScansAllComplete() {
        List<ScanVerdict> verdicts = io.smallrye.mutiny.Multi.createFrom().range(0, 12)
                .onItem().transformToUniAndMerge(i -> scanner.scan(ContentScannerContract.request(i % 2 == 0 ? GTUBE
                        : "ordinary text " + i)))
                .collect().asList().await().atMost(WAIT);
        assertThat(verdicts).extracting(ScanVerdict::action)
                .containsOnly(Action.REJECT, Action.ACCEPT)
                .filteredOn(a -> a == Action.REJECT).hasSize(6);
    }
}
