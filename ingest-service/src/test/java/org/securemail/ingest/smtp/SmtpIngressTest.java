package org.securemail.ingest.smtp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.FOREIGN;
import static org.securemail.ingest.support.Fixtures.INBOUND;
import static org.securemail.ingest.support.Fixtures.LISTED;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.SMALL;
import static org.securemail.ingest.support.Fixtures.USER;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.common.mail.Direction;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.relay.ProvisioningState;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.RawSmtpClient;
import org.securemail.ingest.support.SmtpPortsResource;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;

/** The SMTP ingress end to end against a real Kafka broker: real SMTP clients and byte-exact raw sockets. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SmtpPortsResource.class, restrictToAnnotatedClass = true)
class SmtpIngressTest {

    private static boolean provisioned;

    @InjectKafkaBroker
    KafkaBroker broker;

    @Inject
    ObjectMapper json;

    @Inject
    ProvisioningState state;

    @Inject
    SmtpServer server;

    @BeforeEach
    void provision() throws Exception {
        if (!provisioned) {
            Fixtures.provision(broker, json);
            provisioned = true;
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> state.caughtUp()
                && state.domain(FOREIGN).isPresent() && state.user(USER).isPresent()
                && state.hasRecipient("alice", LISTED) && state.user("disabled").isPresent()
                && state.domain(SMALL).isPresent());
    }

    private int mx() {
        return server.port(Listener.MX);
    }

    private int submission() {
        return server.port(Listener.SUBMISSION);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ real client, durable accept

    @Test
    void angusMailMessageIsQueuedWithEnvelopeAndReceivedHeader() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(mx()));
        props.put("mail.smtp.localhost", "sender.test");
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("someone@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("hello");
        msg.setText("first line\n.leading dot\n");
        String reply;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(msg, msg.getAllRecipients());
            reply = transport.getLastServerResponse();
        }
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String id = Fixtures.queueId(reply);

        ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
        MailEnvelope env = Fixtures.envelope(json, record);
        assertThat(env.queueId()).isEqualTo(id);
        assertThat(env.sender()).isEqualTo("someone@elsewhere.test");
        assertThat(env.recipients()).containsExactly("user@" + INBOUND);
        assertThat(env.clientIp()).isEqualTo("127.0.0.1");
        assertThat(env.helo()).isEqualTo("sender.test");
        assertThat(env.tenantId()).isEqualTo("t1");
        assertThat(env.direction()).isEqualTo(Direction.INBOUND);
        assertThat(env.tlsProtocol()).isNull();
        assertThat(env.authIdentity()).isNull();
        assertThat(env.size()).isEqualTo(record.value().length);
        String text = Fixtures.text(record);
        assertThat(text).startsWith("Received: from sender.test ([127.0.0.1])\r\n");
        assertThat(text).contains("with ESMTP id " + id).contains("for <user@" + INBOUND + ">");
        assertThat(text).contains("Subject: hello").contains("\r\n.leading dot\r\n");
    }

    @Test
    void twentyMebibyteMessageGoesEndToEnd() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(mx()));
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("big@elsewhere.test"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("user@" + INBOUND));
        msg.setSubject("twenty MiB");
        StringBuilder body = new StringBuilder(20 * 1024 * 1024 + 100);
        String line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456\n"; // 80 bytes
        while (body.length() < 20 * 1024 * 1024) {
            body.append(line);
        }
        msg.setText(body.toString(), "us-ascii");
        msg.setHeader("Content-Transfer-Encoding", "7bit");
        String reply;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(msg, msg.getAllRecipients());
            reply = transport.getLastServerResponse();
        }
        String id = Fixtures.queueId(reply);
        ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(60)).orElseThrow();
        assertThat(record.value().length).isGreaterThan(20 * 1024 * 1024);
        assertThat(Fixtures.envelope(json, record).size()).isEqualTo(record.value().length);
    }

    @Test
    void bdatChunksAreJoinedAndQueued() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            assertThat(c.greetAndEhlo()).contains("CHUNKING").contains("PIPELINING").contains("SIZE 26214400");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> BODY=8BITMIME")).startsWith("250 2.1.0");
            assertThat(c.command("RCPT TO:<x@" + INBOUND + ">")).startsWith("250 2.1.5");
            String part1 = "Subject: chunked\r\n\r\n";
            String part2 = "line with\r\n.dot kept as is\r\n";
            c.send("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok: " + part1.length() + " octets received");
            c.send("BDAT " + part2.length() + " LAST\r\n" + part2);
            String reply = c.reply();
            String id = Fixtures.queueId(reply);
            String text = Fixtures.text(Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
            assertThat(text).endsWith("\r\n" + part1 + part2);
        }
    }

    // ------------------------------------------------------------------ pipelining

    @Test
    void pipelinedTransactionGetsEveryReplyInOrder() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            c.send("EHLO pipe.test\r\nMAIL FROM:<p@elsewhere.test>\r\nRCPT TO:<one@" + INBOUND + ">\r\n"
                    + "RCPT TO:<nobody@unprovisioned.test>\r\nRCPT TO:<two@" + INBOUND + ">\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250-localhost");
            assertThat(c.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).isEqualTo("550 5.7.1 Relay access denied");
            assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(c.reply()).startsWith("354 ");
            c.send("Subject: pipelined\r\n\r\nhi\r\n.\r\nNOOP\r\nQUIT\r\n");
            String id = Fixtures.queueId(c.reply());
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
            assertThat(c.reply()).isEqualTo("221 2.0.0 Bye");
            MailEnvelope env = Fixtures.envelope(json, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
            assertThat(env.recipients()).containsExactly("one@" + INBOUND, "two@" + INBOUND);
        }
    }

    // ------------------------------------------------------------------ smuggling

    private void assertSmugglingRefused(String smuggle) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<victim@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: smuggle\r\n\r\nbody" + smuggle
                    + "MAIL FROM:<admin@" + INBOUND + ">\r\nRCPT TO:<victim@" + INBOUND + ">\r\nDATA\r\n"
                    + "Subject: forged\r\n\r\nforged\r\n.\r\n");
            // exactly one reply for the whole thing: the smuggled commands were message text
            assertThat(c.reply()).isEqualTo("550 5.5.2 Error: bare <CR> or <LF> received in message");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void lfDotLfDoesNotEndData() throws Exception {
        assertSmugglingRefused("\n.\n");
    }

    @Test
    void lfDotCrLfDoesNotEndData() throws Exception {
        assertSmugglingRefused("\n.\r\n");
    }

    @Test
    void crLfDotLfDoesNotEndData() throws Exception {
        assertSmugglingRefused("\r\n.\n");
    }

    @Test
    void rejectsBareCarriageReturnInData() throws Exception {
        assertSmugglingRefused("\r.\r");
    }

    @Test
    void rejectsBareLineFeedInCommand() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            c.send("EHLO x.test\nNOOP\r\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Error: bare <CR> or <LF> received");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    // ------------------------------------------------------------------ relay control

    @Test
    void relayWithoutAuthIsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<bob@" + CUSTOMER + ">");
            assertThat(c.command("RCPT TO:<someone@gmail.test>")).isEqualTo("550 5.7.1 Relay access denied");
            // a provisioned domain without inbound relay is a relay attempt too
            assertThat(c.command("RCPT TO:<x@" + CUSTOMER + ">")).isEqualTo("550 5.7.1 Relay access denied");
            assertThat(c.command("DATA")).startsWith("554 5.5.1");
        }
    }

    @Test
    void recipientListDomainRefusesUnknownLocalPart() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<>");
            assertThat(c.command("RCPT TO:<mallory@" + LISTED + ">")).startsWith("550 5.1.1");
            assertThat(c.command("RCPT TO:<Alice@" + LISTED.toUpperCase() + ">")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void mxListenerDoesNotOfferAuth() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            assertThat(c.greetAndEhlo()).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).startsWith("503 5.5.1");
        }
    }

    @Test
    void recipientsOfTwoTenantsAreSplitIntoTwoTransactions() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250");
            assertThat(c.command("RCPT TO:<u@" + FOREIGN + ">")).startsWith("452 4.5.3");
        }
    }

    @Test
    void provisioningChangesAndTombstonesApplyWhileRunning() throws Exception {
        String temp = "temporary.example";
        Fixtures.send(broker, json, Topics.PROVISIONING_DOMAINS, temp, Fixtures.domain(temp, "t1", true, false, false));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(rcptReply("x@" + temp)).startsWith("250"));
        // an unreadable record is skipped and counted; the state stays as it was
        broker.send(Topics.PROVISIONING_DOMAINS, temp, "{not json".getBytes(StandardCharsets.UTF_8), java.util.Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> metric("ingest_provisioning_unreadable_total") >= 1.0);
        assertThat(rcptReply("x@" + temp)).startsWith("250");
        // a tombstone removes the domain: relaying for it stops
        Fixtures.send(broker, json, Topics.PROVISIONING_DOMAINS, temp, null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(rcptReply("x@" + temp)).isEqualTo("550 5.7.1 Relay access denied"));
    }

    private static double metric(String name) {
        for (String line : given().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    private String rcptReply(String rcpt) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<probe@elsewhere.test>");
            return c.command("RCPT TO:<" + rcpt + ">");
        }
    }

    // ------------------------------------------------------------------ STARTTLS and AUTH

    @Test
    void submissionNeedsStartTlsThenAuthThenOwnedSender() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            String ehlo = c.greetAndEhlo();
            assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD)))
                    .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).startsWith("530 5.7.0");
            // a command pipelined after STARTTLS in clear text must be dropped, not answered after the handshake
            c.send("STARTTLS\r\nNOOP\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            assertThat(c.upgradeToTls()).startsWith("TLSv1.");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).startsWith("503 5.5.1"); // state was reset
            assertThat(c.ehlo()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            long before = System.nanoTime();
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0wrong"))).isEqualTo("535 5.7.8 Error: authentication failed");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(c.command("AUTH PLAIN " + base64("\0disabled\0" + PASSWORD))).startsWith("535 5.7.8");
            assertThat(c.command("AUTH PLAIN " + base64("\0" + USER + "\0" + PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.command("MAIL FROM:<bob@" + FOREIGN + ">")).startsWith("553 5.7.1");
            assertThat(c.command("MAIL FROM:<bob@" + CUSTOMER + ">")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("RCPT TO:<friend@anywhere.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            String id = Fixtures.queueId(c.command("Subject: out\r\n\r\nhello\r\n."));
            ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
            MailEnvelope env = Fixtures.envelope(json, record);
            assertThat(env.direction()).isEqualTo(Direction.OUTBOUND);
            assertThat(env.authIdentity()).isEqualTo(USER);
            assertThat(env.tenantId()).isEqualTo("t2");
            assertThat(env.tlsProtocol()).startsWith("TLSv1.");
            assertThat(Fixtures.text(record)).contains("with ESMTPSA id " + id).contains("(using TLSv1.");
        }
    }

    @Test
    void authLoginWorksAndCanBeAborted() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(submission())) {
            c.greetAndEhlo();
            c.command("STARTTLS");
            c.upgradeToTls();
            c.ehlo();
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command("*")).isEqualTo("501 5.7.0 Authentication aborted");
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command(base64(USER))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.command(base64(PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.command("AUTH LOGIN")).startsWith("503 5.5.1");
        }
    }

    @Test
    void angusMailSubmitsWithStartTlsAndAuth() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(submission()));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.ssl.checkserveridentity", "false"); // dev self-signed certificate
        props.put("mail.smtp.auth.mechanisms", "LOGIN");
        Session session = Session.getInstance(props);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("bob@" + CUSTOMER));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("friend@anywhere.test"));
        msg.setSubject("submitted");
        msg.setText("via submission");
        String reply;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect(USER, PASSWORD);
            transport.sendMessage(msg, msg.getAllRecipients());
            reply = transport.getLastServerResponse();
        }
        String id = Fixtures.queueId(reply);
        MailEnvelope env = Fixtures.envelope(json, Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow());
        assertThat(env.authIdentity()).isEqualTo(USER);
        assertThat(env.recipients()).containsExactly("friend@anywhere.test");
    }

    // ------------------------------------------------------------------ limits and sequence

    @Test
    void commandsOutOfSequenceAndUnknownAreRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            assertThat(c.command("MAIL FROM:<a@b.test>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
            c.ehlo();
            assertThat(c.command("RCPT TO:<x@" + INBOUND + ">")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("DATA")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("FROB")).isEqualTo("500 5.5.1 Error: command not recognized");
            assertThat(c.command("VRFY someone")).startsWith("252 2.0.0");
            assertThat(c.command("HELP")).startsWith("214 2.0.0");
            assertThat(c.command("MAIL FROM:<a@b.test>")).startsWith("250");
            assertThat(c.command("MAIL FROM:<a@b.test>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void overlongCommandLineIsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("NOOP " + "x".repeat(600))).isEqualTo("500 5.5.2 Error: command line too long");
            assertThat(c.command("NOOP " + "x".repeat(500))).isEqualTo("250 2.0.0 Ok"); // 507 bytes with CRLF
            assertThat(c.command("NOOP " + "x".repeat(70_000))).isEqualTo("500 5.5.2 Error: command line too long");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void recipientsBeyondTheLimitGet452() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 101; i++) {
                batch.append("RCPT TO:<r").append(i).append('@').append(INBOUND).append(">\r\n");
            }
            c.send(batch.toString());
            for (int i = 0; i < 100; i++) {
                assertThat(c.reply()).isEqualTo("250 2.1.5 Ok");
            }
            assertThat(c.reply()).isEqualTo("452 4.5.3 Error: too many recipients");
        }
    }

    @Test
    void declaredSizeOverLimitIsRefusedAtMail() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=26214401")).startsWith("552 5.3.4");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test> SIZE=1000")).startsWith("250 2.1.0");
        }
    }

    @Test
    void dataBeyondMaximumSizeIsRefusedWith552() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("DATA")).startsWith("354");
            byte[] line = ("y".repeat(1022) + "\r\n").getBytes(StandardCharsets.US_ASCII); // 1 KiB
            for (int i = 0; i < 25 * 1024 + 16; i++) {
                c.send(line);
            }
            c.send(".\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void unicodeAddressesNeedSmtputf8() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            assertThat(c.command("MAIL FROM:<jörg@elsewhere.test>")).startsWith("553 5.6.7");
            assertThat(c.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<jürgen@" + INBOUND + ">")).startsWith("553 5.6.7");
            c.command("RSET");
            assertThat(c.command("MAIL FROM:<jörg@elsewhere.test> SMTPUTF8")).startsWith("250");
            assertThat(c.command("RCPT TO:<jürgen@" + INBOUND + ">")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            String id = Fixtures.queueId(c.command("Subject: grüße\r\n\r\nhällo\r\n."));
            ConsumerRecord<String, byte[]> record = Fixtures.find(broker, id, Duration.ofSeconds(20)).orElseThrow();
            assertThat(Fixtures.envelope(json, record).recipients()).containsExactly("jürgen@" + INBOUND);
            assertThat(Fixtures.text(record)).contains("Subject: grüße");
        }
    }

    @Test
    void domainSizeLimitAppliesAtRcptAndAtEndOfData() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test> SIZE=5000");
            assertThat(c.command("RCPT TO:<u@" + SMALL + ">")).startsWith("552 5.3.4");
            assertThat(c.command("RCPT TO:<u@" + INBOUND + ">")).startsWith("250"); // platform limit there
            c.command("RSET");
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            assertThat(c.command("RCPT TO:<u@" + SMALL + ">")).startsWith("250");
            c.command("DATA");
            assertThat(c.command("Subject: big\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(30) + "."))
                    .isEqualTo("552 5.3.4 Error: message file too big");
        }
    }

    @Test
    void textLineLongerThan998IsRefused() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<a@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            c.command("DATA");
            assertThat(c.command("Subject: long\r\n\r\n" + "z".repeat(999) + "\r\n.")).startsWith("550 5.6.0");
        }
    }

    @Test
    void tooManyErrorsDisconnects() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.reply();
            for (int i = 0; i < 19; i++) {
                assertThat(c.command("BOGUS")).startsWith("500 5.5.1");
            }
            c.send("BOGUS\r\n");
            assertThat(c.reply()).startsWith("500 5.5.1");
            assertThat(c.reply()).isEqualTo("421 4.7.0 Error: too many errors");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    // ------------------------------------------------------------------ operations

    @Test
    void readyOnceProvisioningIsLoadedAndMetricsAreExported() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<m@elsewhere.test>");
            c.command("RCPT TO:<u@" + INBOUND + ">");
            c.command("DATA");
            Fixtures.queueId(c.command("Subject: m\r\n\r\nm\r\n."));
        }
        given().get("/q/health/ready").then().statusCode(200).body(containsString("provisioning-state"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("smtp_messages_accepted_total{listener=\"mx\"}"))
                .body(containsString("smtp_accept_latency_seconds_bucket"))
                .body(containsString("smtp_sessions_open{listener=\"mx\"}"))
                .body(containsString("smtp_rejections_total"));
    }
}
