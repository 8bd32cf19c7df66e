package org.securemail.dns.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.upstream.FakeUpstream;
import org.securemail.testing.DebianPackages;
import org.securemail.testing.dns.TestDnsServer.Mode;

/** The listener as an operator sees it: BIND's {@code dig} (bind9-dnsutils) over UDP and TCP. */
class DigTest {

    private static final Path DIG = Path.of("/usr/bin/dig");

    private final FakeUpstream upstream = new FakeUpstream();
    private ListenerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        DebianPackages.ensureInstalled("bind9-dnsutils", DIG);
        String[] texts = new String[16];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "key" + i + "=" + "x".repeat(90);
        }
        upstream.zone("example.org", Mode.ANSWER).zone("gone.example", Mode.NXDOMAIN).zone("dead.example", Mode.DEAD)
                .record("example.org", DnsType.MX, 600, "10 mx1.example.org", "20 mx2.example.org")
                .record("big.example.org", DnsType.TXT, 300, texts);
        fixture = new ListenerFixture(upstream, "dns.timeouts.query", "200ms", "dns.timeouts.resolution", "400ms",
                "dns.timeouts.client-response", "300ms");
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private String dig(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DIG.toString(), "@127.0.0.1", "-p",
                String.valueOf(fixture.port()), "+tries=1", "+time=2"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("dig finished").isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void digGetsTheMxRecordsOverUdp() throws Exception {
        String out = dig("example.org", "MX");

        assertThat(out).contains("status: NOERROR").contains("flags: qr rd ra;").contains("ANSWER: 2")
                .containsPattern("example\\.org\\.\\s+\\d+\\s+IN\\s+MX\\s+10 mx1\\.example\\.org\\.")
                .containsPattern("example\\.org\\.\\s+\\d+\\s+IN\\s+MX\\s+20 mx2\\.example\\.org\\.")
                .contains("(UDP)");
    }

    @Test
    void digGetsTheSameOverTcp() throws Exception {
        String out = dig("+tcp", "example.org", "MX");

        assertThat(out).contains("status: NOERROR").contains("ANSWER: 2").contains("(TCP)")
                .containsPattern("IN\\s+MX\\s+10 mx1\\.example\\.org\\.");
    }

    @Test
    void digSeesNxdomain() throws Exception {
        assertThat(dig("mail.gone.example", "A")).contains("status: NXDOMAIN").contains("ANSWER: 0");
    }

    @Test
    void digRetriesATruncatedAnswerOverTcpAndGetsItWhole() throws Exception {
        String out = dig("big.example.org", "TXT");

        assertThat(out).contains("Truncated, retrying in TCP mode").contains("status: NOERROR").contains("ANSWER: 16")
                .contains("key15=");
    }

    @Test
    void digSeesServfailForADeadZoneAndAStaleAnswerWithTtl30Later() throws Exception {
        assertThat(dig("dead.example", "MX")).contains("status: SERVFAIL");

        dig("example.org", "MX");
        upstream.zone("example.org", Mode.DEAD);
        fixture.engine.clock.advance(Duration.ofHours(1));
        String stale = dig("example.org", "MX");

        assertThat(stale).contains("status: NOERROR")
                .containsPattern("example\\.org\\.\\s+30\\s+IN\\s+MX\\s+10 mx1\\.example\\.org\\.");
    }

    @Test
    void digIsRefusedAny() throws Exception {
        assertThat(dig("example.org", "ANY")).contains("status: REFUSED");
    }
}
