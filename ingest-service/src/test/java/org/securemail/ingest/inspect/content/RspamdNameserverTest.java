package org.securemail.ingest.inspect.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.securemail.testing.Rspamd;
import org.securemail.testing.dns.TestDnsServer;

/** The fixture's nameserver option: rspamd keeps its DNS modules and asks the given server, here for SPF. */
class RspamdNameserverTest {

    @Test
    void rspamdAsksTheGivenNameserverAndItsSpfModuleUsesTheAnswer() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.zone("example.org");
            dns.record("example.org", "TXT", "\"v=spf1 ip4:192.0.2.10 -all\"");
            try (Rspamd rspamd = Rspamd.builder().nameserver(dns.hostPort()).start()) {
                RspamdScanner scanner = new RspamdScanner(RspamdOptions.defaults(rspamd.normalUri()));
                byte[] message = ContentScannerContract.message("spf", "Minutes attached.");

                ScanVerdict allowed = scanner.scan(new ScanRequest(message, InetAddress.getByName("192.0.2.10"),
                        "mail.example.org", "alice@example.org", List.of("bob@example.net"), null, "Q-spf-1"))
                        .await().atMost(Duration.ofSeconds(30));
                ScanVerdict failed = scanner.scan(new ScanRequest(message, InetAddress.getByName("192.0.2.99"),
                        "mail.example.org", "alice@example.org", List.of("bob@example.net"), null, "Q-spf-2"))
                        .await().atMost(Duration.ofSeconds(30));

                assertThat(allowed.symbol("R_SPF_ALLOW")).isPresent();
                assertThat(failed.symbol("R_SPF_FAIL")).isPresent();
                assertThat(dns.queries()).isPositive();
            }
        }
    }
}
