package org.securemail.ingest.inspect.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securemail.common.dns.DnsStatus;
import org.securemail.common.dns.DnsType;
import org.securemail.dns.client.testing.FakeDnsResolver;

/**
 * The examples of RFC 7208 Appendix A: the example.com and example.org zone with its MX, A and PTR records, and the
 * records of A.1 (simple), A.3 (RBL style) and A.4 (multiple requirements) evaluated against it.
 */
class SpfAppendixATest {

    private final FakeDnsResolver dns = new FakeDnsResolver().otherwise(DnsStatus.NXDOMAIN);
    private final SpfChecker checker = new SpfChecker(dns, SpfLimits.DEFAULTS);

    @BeforeEach
    void zone() {
        dns.answer("example.com", DnsType.MX, "10 mx.example.com", "20 mx2.example.com");
        dns.answer("mx.example.com", DnsType.A, "192.0.2.129");
        dns.answer("mx2.example.com", DnsType.A, "192.0.2.130");
        dns.answer("example.com", DnsType.A, "192.0.2.10", "192.0.2.11");
        dns.answer("amy.example.com", DnsType.A, "192.0.2.65");
        dns.answer("bob.example.com", DnsType.A, "192.0.2.66");
        dns.answer("example.org", DnsType.MX, "10 mx.example.org");
        dns.answer("mx.example.org", DnsType.A, "192.0.2.140");
        dns.answer("10.2.0.192.in-addr.arpa", DnsType.PTR, "example.com");
        dns.answer("11.2.0.192.in-addr.arpa", DnsType.PTR, "example.com");
        dns.answer("65.2.0.192.in-addr.arpa", DnsType.PTR, "amy.example.com");
        dns.answer("66.2.0.192.in-addr.arpa", DnsType.PTR, "bob.example.com");
        dns.answer("129.2.0.192.in-addr.arpa", DnsType.PTR, "mx.example.com");
        dns.answer("130.2.0.192.in-addr.arpa", DnsType.PTR, "mx2.example.com");
        dns.answer("140.2.0.192.in-addr.arpa", DnsType.PTR, "mx.example.org");
        dns.answer("4.0.0.10.in-addr.arpa", DnsType.PTR, "bob.example.com");
    }

    private SpfResult check(String record, String client) {
        return check(record, client, "someone@example.com").result();
    }

    private SpfOutcome check(String record, String client, String sender) {
        dns.answer("example.com", DnsType.TXT, record);
        try {
            return checker.checkMailFrom(InetAddress.getByName(client), "mail.example.net", sender)
                    .await().atMost(Duration.ofSeconds(10));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "\"{0}\" for {1} → {2}")
    @CsvSource(delimiter = '|', value = {
        "v=spf1 +all                            | 198.51.100.7 | PASS",
        "v=spf1 a -all                          | 192.0.2.10   | PASS",
        "v=spf1 a -all                          | 192.0.2.11   | PASS",
        "v=spf1 a -all                          | 192.0.2.65   | FAIL",
        "v=spf1 a:example.org -all              | 192.0.2.140  | FAIL",
        "v=spf1 mx -all                         | 192.0.2.129  | PASS",
        "v=spf1 mx -all                         | 192.0.2.130  | PASS",
        "v=spf1 mx -all                         | 192.0.2.10   | FAIL",
        "v=spf1 mx:example.org -all             | 192.0.2.140  | PASS",
        "v=spf1 mx mx:example.org -all          | 192.0.2.129  | PASS",
        "v=spf1 mx mx:example.org -all          | 192.0.2.140  | PASS",
        "v=spf1 mx mx:example.org -all          | 192.0.2.65   | FAIL",
        "v=spf1 mx/30 mx:example.org/30 -all    | 192.0.2.131  | PASS",
        "v=spf1 mx/30 mx:example.org/30 -all    | 192.0.2.143  | PASS",
        "v=spf1 mx/30 mx:example.org/30 -all    | 192.0.2.144  | FAIL",
        "v=spf1 ptr -all                        | 192.0.2.65   | PASS",
        "v=spf1 ptr -all                        | 192.0.2.140  | FAIL",
        "v=spf1 ptr -all                        | 10.0.0.4     | FAIL",
        "v=spf1 ip4:192.0.2.128/28 -all         | 192.0.2.65   | FAIL",
        "v=spf1 ip4:192.0.2.128/28 -all         | 192.0.2.129  | PASS",
    })
    void simpleExamplesOfA1(String record, String client, SpfResult expected) {
        assertThat(check(record.trim(), client.trim())).isEqualTo(expected);
    }

    @Test
    void theMatchingMechanismIsReported() {
        SpfOutcome outcome = check("v=spf1 a mx/30 -all", "192.0.2.131", "someone@example.com");

        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.mechanism()).isEqualTo("mx/30");
        assertThat(outcome.domain()).isEqualTo("example.com");
    }

    /** A.3: mobile users by local-part, remote users by local-part and address, through exists and macros. */
    @ParameterizedTest(name = "{0} from {1} → {2}")
    @CsvSource({
        "mary@example.com,      198.51.100.20, PASS",
        "fred+spam@example.com, 198.51.100.21, PASS",
        "joel@example.com,      192.168.15.15, PASS",
        "joel@example.com,      192.168.15.16, PASS",
        "joel@example.com,      192.168.15.17, FAIL",
        "bob@example.com,       192.0.2.129,   PASS",
        "bob@example.com,       198.51.100.22, FAIL",
    })
    void rblStyleExampleOfA3(String sender, String client, SpfResult expected) {
        dns.answer("mobile-users._spf.example.com", DnsType.TXT, "v=spf1 exists:%{l1r+}.%{d}");
        dns.answer("remote-users._spf.example.com", DnsType.TXT, "v=spf1 exists:%{ir}.%{l1r+}.%{d}");
        dns.answer("mary.mobile-users._spf.example.com", DnsType.A, "127.0.0.2");
        dns.answer("fred.mobile-users._spf.example.com", DnsType.A, "127.0.0.2");
        dns.answer("15.15.168.192.joel.remote-users._spf.example.com", DnsType.A, "127.0.0.2");
        dns.answer("16.15.168.192.joel.remote-users._spf.example.com", DnsType.A, "127.0.0.2");

        SpfOutcome outcome = check("v=spf1 mx include:mobile-users._spf.%{d} include:remote-users._spf.%{d} -all",
                client, sender);

        assertThat(outcome.result()).isEqualTo(expected);
    }

    /** A.4: both the address range and the reverse name are required, through two negated includes. */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "192.0.2.65,  PASS",
        "192.0.2.140, FAIL",
        "10.0.0.4,    FAIL",
    })
    void multipleRequirementsExampleOfA4(String client, SpfResult expected) {
        dns.answer("ip4._spf.example.com", DnsType.TXT, "v=spf1 -ip4:192.0.2.0/24 +all");
        dns.answer("ptr._spf.example.com", DnsType.TXT, "v=spf1 -ptr:example.com +all");

        assertThat(check("v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all", client))
                .isEqualTo(expected);
    }

    @Test
    void theTraceShowsTheRecordEachTermAndTheCounters() {
        SpfOutcome outcome = check("v=spf1 a mx -all", "192.0.2.130", "someone@example.com");

        assertThat(outcome.trace()).anySatisfy(line -> assertThat(line).contains("record \"v=spf1 a mx -all\""))
                .anySatisfy(line -> assertThat(line).startsWith("a: A example.com").endsWith("no match"))
                .anySatisfy(line -> assertThat(line).startsWith("mx: MX example.com").endsWith("match"))
                .anySatisfy(line -> assertThat(line).contains("DNS-querying terms 2/10, void lookups 0/2"));
    }
}
