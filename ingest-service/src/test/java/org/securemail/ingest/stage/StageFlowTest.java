package org.securemail.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.dns.DnsType;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.InspectionSummary;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.mail.MailHeaders;
import org.securemail.common.observe.MessageLog;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.FakeDnsBean;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;
import org.securemail.testing.LogCapture;

/**
 * The inspection stage in the running service, on the real broker: mail arrives over SMTP, is written to
 * {@code mail.accepted}, and the stage's consumers move it to {@code mail.ready}, {@code mail.quarantine} or
 * {@code inspect.park}. DNS answers come from the {@link FakeDnsBean fake}, where a zone can be made dead.
 */
@QuarkusTest
@TestProfile(StageFlowTest.ShortPark.class)
class StageFlowTest extends ProvisionedIngressTestBase {

    static final String AUTHSERV = "mx.securemail.test";
    private static final String STRICT = "strict.example";

    public static class ShortPark implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.inspection.authserv-id", AUTHSERV,
                    "ingest.inspection.lookup-deadline", "2s",
                    "ingest.inspection.park-delay", "1s",
                    "ingest.inspection.max-wait", "10m");
        }
    }

    @AfterEach
    void zonesAnswerAgain() {
        FakeDnsBean.DEAD.clear();
    }

    /** A domain whose SPF policy rejects: a stalled SPF lookup is one the stage waits for. */
    @org.junit.jupiter.api.BeforeEach
    void strictDomain() throws Exception {
        if (state.domain(STRICT).isEmpty()) {
            Fixtures.send(broker, JSON, Topics.PROVISIONING_DOMAINS, STRICT, new DomainRecord(STRICT, "t1", true,
                    List.of(), false, 0, false, new DomainPolicy("reject", "tag", List.of()), 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> state.domain(STRICT).isPresent());
        }
    }

    /** Sends one message over the MX listener from 127.0.0.1 and returns its queue id. */
    static String sendMx(String from, String to, String headers) throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(mx())) {
            smtp.greetAndEhlo();
            assertThat(smtp.command("MAIL FROM:<" + from + ">")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send(headers + "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: stage\r\n\r\nhello\r\n.\r\n");
            String reply = smtp.reply();
            assertThat(reply).startsWith("250");
            return Fixtures.queueId(reply);
        }
    }

    private static String text(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private ConsumerRecord<String, byte[]> awaitOn(String topic, String queueId) {
        Optional<ConsumerRecord<String, byte[]>> found = Fixtures.find(broker, topic, queueId, Duration.ofSeconds(60));
        assertThat(found).as(queueId + " on " + topic).isPresent();
        return found.get();
    }

    @Test
    void inboundMailGetsOneResultsFieldOfOursAndLosesTheForgedOne() throws Exception {
        FakeDnsBean.FAKE.answer("good-sender.example", DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        String id = sendMx("alice@good-sender.example", "bob@" + Fixtures.INBOUND,
                "Authentication-Results: " + AUTHSERV + "; spf=pass smtp.mailfrom=bank.example; dmarc=pass\r\n"
                        + "Authentication-Results: mx.other.example; spf=fail\r\n");

        ConsumerRecord<String, byte[]> record = awaitOn(Topics.MAIL_READY, id);
        String ready = text(record);
        assertThat(ready).startsWith("Authentication-Results: " + AUTHSERV + ";\r\n"
                + "\tspf=pass smtp.mailfrom=alice@good-sender.example;\r\n");
        InspectionSummary summary = JSON.readValue(record.headers().lastHeader(MailHeaders.INSPECTION).value(),
                InspectionSummary.class);
        assertThat(summary.action()).isEqualTo("DELIVER");
        assertThat(summary.passes()).isEqualTo(1);
        assertThat(summary.checks()).contains(new InspectionSummary.Check("spf", "pass",
                "mailfrom=alice@good-sender.example"));
        assertThat(ready).contains("\tdmarc=none header.from=good-sender.example;\r\n")
                .contains("\tiprev=permerror policy.iprev=127.0.0.1\r\n")
                .doesNotContain("bank.example")
                .contains("Authentication-Results: mx.other.example; spf=fail\r\n");
        assertThat(ready.split("Authentication-Results: " + AUTHSERV, -1)).hasSize(2);
    }

    @Test
    void spfFailUnderARejectPolicyIsHeldInQuarantineNeverDelivered() throws Exception {
        FakeDnsBean.FAKE.answer("forger.example", DnsType.TXT, "v=spf1 -all");

        String id = sendMx("ceo@forger.example", "cfo@" + STRICT, "");

        ConsumerRecord<String, byte[]> held = awaitOn(Topics.MAIL_QUARANTINE, id);
        JsonNode verdict = JSON.readTree(held.headers().lastHeader(InspectionStage.VERDICT_HEADER).value());
        assertThat(verdict.get("action").asText()).isEqualTo("REJECT");
        assertThat(verdict.get("reasons").get(0).asText()).isEqualTo("spf=fail (policy reject)");
        assertThat(text(held)).startsWith("Authentication-Results: " + AUTHSERV + ";\r\n\tspf=fail");
        assertThat(Fixtures.envelope(JSON, held).recipients()).containsExactly("cfo@" + STRICT);
        assertThat(broker.readToEnd(Topics.MAIL_READY)).noneMatch(r -> id.equals(r.key()));
    }

    /**
     * Issue 16 item 6: the lines about a message carry its queue id in their MDC (the JSON field mdc.queue_id), from
     * the session's event loop (the 250) and from the stage's consumer (the verdict) alike.
     */
    @Test
    void theLinesAboutAMessageCarryItsQueueIdFromTheSessionAndTheStage() throws Exception {
        FakeDnsBean.FAKE.answer("logged-forger.example", DnsType.TXT, "v=spf1 -all");
        try (LogCapture log = LogCapture.of("org.securemail.ingest")) {
            String id = sendMx("ceo@logged-forger.example", "cfo@" + STRICT, "");
            awaitOn(Topics.MAIL_QUARANTINE, id);

            assertThat(log.withMdc(MessageLog.QUEUE_ID, id)).extracting(LogCapture.Line::message)
                    .anySatisfy(m -> assertThat(m).startsWith(id + ": queued: from=<ceo@logged-forger.example>"))
                    .anySatisfy(m -> assertThat(m).startsWith(id + ": REJECT for [cfo@" + STRICT + "]"));
            assertThat(log.lines()).filteredOn(l -> l.message().startsWith(id + ":"))
                    .allSatisfy(l -> assertThat(l.mdc(MessageLog.QUEUE_ID)).isEqualTo(id));
        }
    }

    @Test
    void submittedMailPassesUnchangedWithoutChecks() throws Exception {
        int before = FakeDnsBean.FAKE.lookups();
        MailEnvelope envelope = new MailEnvelope("QSTAGEOUT1", "bob@" + Fixtures.CUSTOMER,
                List.of("someone@elsewhere.example"), "192.0.2.10", "client.example", "TLSv1.3", "bob", "t2",
                Direction.OUTBOUND, Instant.now(), 30);
        byte[] message = ("Authentication-Results: " + AUTHSERV + "; spf=pass\r\nSubject: out\r\n\r\nhi\r\n")
                .getBytes(StandardCharsets.UTF_8);
        broker.send(Topics.MAIL_ACCEPTED, envelope.queueId(), message,
                Map.of(MailHeaders.ENVELOPE, JSON.writeValueAsBytes(envelope)));

        ConsumerRecord<String, byte[]> ready = awaitOn(Topics.MAIL_READY, envelope.queueId());
        assertThat(ready.value()).isEqualTo(message);
        assertThat(Fixtures.envelope(JSON, ready)).isEqualTo(envelope);
        assertThat(FakeDnsBean.FAKE.lookups()).isEqualTo(before);
    }

    @Test
    void aDeadZoneParksOnlyItsOwnMailWhichGoesOnWhenTheZoneAnswersAgain() throws Exception {
        FakeDnsBean.FAKE.answer("alive.example", DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        FakeDnsBean.DEAD.add("dead.example");

        String stuck = sendMx("someone@dead.example", "bob@" + STRICT, "");
        List<String> flowing = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            flowing.add(sendMx("sender" + i + "@alive.example", "bob@" + STRICT, ""));
        }

        // the answered mail does not wait behind the dead zone's: all of it is on mail.ready before the stalled
        // message's lookups have even run into their deadline and parked it
        long lastReady = 0;
        for (String id : flowing) {
            lastReady = Math.max(lastReady, awaitOn(Topics.MAIL_READY, id).timestamp());
        }
        ConsumerRecord<String, byte[]> parked = awaitOn(Topics.INSPECT_PARK, stuck);
        assertThat(lastReady).isLessThan(parked.timestamp());
        ParkState state = JSON.readValue(parked.headers().lastHeader(ParkState.HEADER).value(), ParkState.class);
        assertThat(state.passes()).isEqualTo(1);
        assertThat(state.dueAt()).isAfter(state.firstSeenAt());
        assertThat(state.waitingFor()).containsExactly("spf"); // DMARC and iprev are tag-only here: not waited for
        assertThat(broker.readToEnd(Topics.MAIL_READY)).noneMatch(r -> stuck.equals(r.key()));

        FakeDnsBean.DEAD.clear();
        FakeDnsBean.FAKE.answer("dead.example", DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");

        String ready = text(awaitOn(Topics.MAIL_READY, stuck));
        assertThat(ready).startsWith("Authentication-Results: " + AUTHSERV + ";\r\n"
                + "\tspf=pass smtp.mailfrom=someone@dead.example;");
    }

    @Test
    void aDeadZoneWhoseChecksNoPolicyActsOnDelaysNothing() throws Exception {
        FakeDnsBean.DEAD.add("tag-only-dead.example");
        String id = sendMx("x@tag-only-dead.example", "bob@" + Fixtures.INBOUND, "");
        String ready = text(awaitOn(Topics.MAIL_READY, id));
        assertThat(ready).contains("spf=temperror smtp.mailfrom=x@tag-only-dead.example");
        assertThat(broker.readToEnd(Topics.INSPECT_PARK)).noneMatch(r -> id.equals(r.key()));
    }

    @Test
    void anUnreadableRecordIsDeadLetteredAndTheStageGoesOn() throws Exception {
        broker.send(Topics.MAIL_ACCEPTED, "QSTAGEBAD1", "no envelope".getBytes(StandardCharsets.UTF_8), Map.of());
        FakeDnsBean.FAKE.answer("after-bad.example", DnsType.TXT, "v=spf1 ip4:127.0.0.1 -all");
        String id = sendMx("x@after-bad.example", "bob@" + Fixtures.INBOUND, "");

        awaitOn(Topics.dlq(Topics.MAIL_ACCEPTED), "QSTAGEBAD1");
        awaitOn(Topics.MAIL_READY, id);
        assertThat(broker.readToEnd(Topics.MAIL_READY)).noneMatch(r -> "QSTAGEBAD1".equals(r.key()));
    }
}
