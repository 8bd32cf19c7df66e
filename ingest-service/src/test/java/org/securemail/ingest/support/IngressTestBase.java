package org.securemail.ingest.support;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.securemail.testing.InjectKafkaBroker;
import org.securemail.testing.KafkaBroker;
import org.securemail.testing.KafkaBrokerResource;

/**
 * What every end-to-end test of the ingress shares: a real Kafka broker and both SMTP listeners on free loopback
 * ports, and small client helpers. Test classes with no profile of their own share one application and broker
 * ({@code MATCHING_RESOURCES}). Nothing here needs CDI injection, so a {@code @QuarkusIntegrationTest} can extend a
 * subclass and run the same tests against the packaged jar ({@code FooIT extends FooTest}).
 */
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpPortsResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
public abstract class IngressTestBase {

    /** Reads and writes the records as the application does (ISO-8601 instants). */
    protected static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @InjectKafkaBroker
    protected KafkaBroker broker;

    protected static int mx() {
        return SmtpPortsResource.mxPort();
    }

    protected static int submission() {
        return SmtpPortsResource.submissionPort();
    }

    /** The URL of {@code /q/<path>} on the management interface (not the HTTP port, ADR 0062). */
    protected static String management(String path) {
        return "http://127.0.0.1:" + SmtpPortsResource.managementPort() + "/q/" + path;
    }

    protected static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A Jakarta Mail session for the MX listener, with {@code extra} properties. */
    protected static Session mxSession(String... extra) {
        return session(mx(), extra);
    }

    /** A Jakarta Mail session for {@code port}; {@code extra} are property name and value pairs. */
    protected static Session session(int port, String... extra) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return Session.getInstance(props);
    }

    /** Sends with Angus Mail (AUTH when {@code credentials} are user and password) and returns the final reply. */
    protected static String send(MimeMessage msg, String... credentials) throws MessagingException {
        try (SMTPTransport transport = (SMTPTransport) msg.getSession().getTransport("smtp")) {
            if (credentials.length == 2) {
                transport.connect(credentials[0], credentials[1]);
            } else {
                transport.connect();
            }
            transport.sendMessage(msg, msg.getAllRecipients());
            return transport.getLastServerResponse();
        }
    }

    /** The reply to RCPT TO:&lt;rcpt&gt; on the MX listener, in a fresh session. */
    protected static String rcptReply(String rcpt) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient(mx())) {
            c.greetAndEhlo();
            c.command("MAIL FROM:<probe@elsewhere.test>");
            return c.command("RCPT TO:<" + rcpt + ">");
        }
    }

    /** The value of a metric without labels on /q/metrics, NaN when absent. */
    protected static double metric(String name) {
        for (String line : given().get(management("metrics")).asString().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}
