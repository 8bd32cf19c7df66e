package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.securemail.ingest.support.IngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * {@code ingest.limits.trusted-networks} on real sockets: 127.0.0.2 (a second loopback address, so another client
 * on this machine) is trusted, 127.0.0.1 is not.
 */
@QuarkusTest
@TestProfile(TrustedNetworksIngressTest.TrustedSecondLoopback.class)
class TrustedNetworksIngressTest extends IngressTestBase {

    private static final int TOTAL = 6;

    public static class TrustedSecondLoopback implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ingest.limits.max-connections-per-ip", "2",
                    "ingest.limits.trusted-networks", "127.0.0.2/32,::1/128",
                    "ingest.limits.max-connections", Integer.toString(TOTAL),
                    "ingest.limits.mx-max-connections", Integer.toString(TOTAL),
                    "ingest.limits.submission-max-connections", Integer.toString(TOTAL));
        }
    }

    @Test
    void aTrustedClientOpensMoreThanThePerAddressLimitButNotMoreThanTheTotal() throws Exception {
        List<RawSmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                greeted(open, mx(), "127.0.0.1");
            }
            try (RawSmtpClient third = new RawSmtpClient(mx(), "127.0.0.1")) {
                assertThat(third.reply()).isEqualTo("421 4.7.0 Error: too many connections from your address");
                assertThat(third.closedByServer()).isTrue();
            }
            for (int i = 2; i < TOTAL; i++) {
                int port = i % 2 == 0 ? mx() : submission();
                greeted(open, port, "127.0.0.2");
            }
            try (RawSmtpClient beyondTheTotal = new RawSmtpClient(mx(), "127.0.0.2")) {
                assertThat(beyondTheTotal.reply()).isEqualTo("421 4.7.0 Error: too many connections");
                assertThat(beyondTheTotal.closedByServer()).isTrue();
            }
            assertThat(open.get(TOTAL - 1).command("NOOP")).as("the trusted sessions work")
                    .isEqualTo("250 2.0.0 Ok");
        } finally {
            for (RawSmtpClient c : open) {
                c.close();
            }
        }
    }

    private static void greeted(List<RawSmtpClient> open, int port, String from) throws Exception {
        RawSmtpClient client = new RawSmtpClient(port, from);
        open.add(client);
        assertThat(client.reply()).as("from %s", from).startsWith("220 ");
    }
}
