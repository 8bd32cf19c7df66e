package org.securemail.ingest.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.securemail.ingest.support.Fixtures.CUSTOMER;
import static org.securemail.ingest.support.Fixtures.PASSWORD;
import static org.securemail.ingest.support.Fixtures.USER;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.securemail.common.provisioning.SmtpUserRecord;
import org.securemail.common.topics.Topics;
import org.securemail.ingest.support.Fixtures;
import org.securemail.ingest.support.ProvisionedIngressTestBase;
import org.securemail.ingest.support.RawSmtpClient;

/**
 * Password guessing (issue 12): failures are limited per client address (10) and per user name (5) within the
 * lockout window, after which AUTH is refused with {@code 454 4.7.0} without checking the password; a user disabled
 * after AUTH cannot send on its open session; raw AUTH input never reaches the log. Clients appear as different
 * addresses by binding 127.0.0.x.
 */
@QuarkusTest
class AuthLockoutTest extends ProvisionedIngressTestBase {

    private static final String LOCKED = "454 4.7.0 Too many failed authentication attempts, try again later";
    private static final String FAILED = "535 5.7.8 Error: authentication failed";

    @Test
    void aUserNameIsLockedAfterFiveFailuresFromAnywhereAndOthersGoOn() throws Exception {
        String carol = user("carol");
        for (int i = 0; i < 5; i++) {
            try (RawSmtpClient c = authenticated("127.0.1." + (10 + i))) {
                assertThat(auth(c, carol, "wrong-" + i)).isEqualTo(FAILED);
            }
        }
        try (RawSmtpClient c = authenticated("127.0.1.20")) {
            assertThat(auth(c, carol, PASSWORD)).as("right password, locked name").isEqualTo(LOCKED);
            assertThat(auth(c, USER, PASSWORD)).as("another user from the same address").startsWith("235");
        }
    }

    @Test
    void aClientAddressIsLockedAfterTenFailuresWhateverTheNames() throws Exception {
        try (RawSmtpClient c = authenticated("127.0.2.10")) {
            for (int i = 0; i < 10; i++) {
                assertThat(auth(c, "guess-" + UUID.randomUUID(), "wrong")).isEqualTo(FAILED);
            }
        }
        try (RawSmtpClient c = authenticated("127.0.2.10")) {
            assertThat(auth(c, USER, PASSWORD)).as("right password, locked address").isEqualTo(LOCKED);
        }
        try (RawSmtpClient c = authenticated("127.0.2.11")) {
            assertThat(auth(c, USER, PASSWORD)).as("another address").startsWith("235");
        }
    }

    @Test
    void aUserDisabledAfterAuthCannotSendOnItsOpenSession() throws Exception {
        String dave = user("dave");
        try (RawSmtpClient c = authenticated("127.0.3.10")) {
            assertThat(auth(c, dave, PASSWORD)).startsWith("235");
            assertThat(c.command("MAIL FROM:<" + dave + "@" + CUSTOMER + ">")).startsWith("250");
            assertThat(c.command("RSET")).startsWith("250");

            Fixtures.send(broker, JSON, Topics.PROVISIONING_USERS, dave,
                    new SmtpUserRecord(dave, "t2", Fixtures.bcrypt(PASSWORD), false, 2));
            await().atMost(Duration.ofSeconds(30)).until(() -> !state.user(dave).orElseThrow().enabled());

            assertThat(c.command("MAIL FROM:<" + dave + "@" + CUSTOMER + ">"))
                    .isEqualTo("530 5.7.0 Authentication required: the user was disabled or removed");
            assertThat(auth(c, dave, PASSWORD)).isEqualTo(FAILED);
        }
    }

    @Test
    void rawAuthInputIsNeverLogged() throws Exception {
        String secret = "typed-the-password-here-" + UUID.randomUUID();
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("org.securemail.ingest.smtp");
        logger.addHandler(capture);
        try (RawSmtpClient c = authenticated("127.0.4.10")) {
            assertThat(auth(c, secret, secret)).isEqualTo(FAILED);
            assertThat(c.command("AUTH LOGIN")).startsWith("334");
            assertThat(c.command(base64(secret))).startsWith("334");
            assertThat(c.command(base64(secret))).isEqualTo(FAILED);
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(logged).as("the AUTH failures were logged").anyMatch(l -> l.contains("AUTH failed"));
        assertThat(logged).noneMatch(l -> l.contains(secret));
    }

    /** A new enabled user of tenant t2 (password {@link Fixtures#PASSWORD}), once ingest knows it. */
    private String user(String prefix) throws Exception {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Fixtures.send(broker, JSON, Topics.PROVISIONING_USERS, name,
                new SmtpUserRecord(name, "t2", Fixtures.bcrypt(PASSWORD), true, 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> state.user(name).isPresent());
        return name;
    }

    /** A submission session from {@code address}, after STARTTLS and EHLO, ready for AUTH. */
    private static RawSmtpClient authenticated(String address) throws Exception {
        RawSmtpClient c = new RawSmtpClient(submission(), address);
        c.greetAndEhlo();
        assertThat(c.command("STARTTLS")).startsWith("220");
        c.upgradeToTls();
        c.ehlo();
        return c;
    }

    private static String auth(RawSmtpClient c, String user, String password) throws Exception {
        return c.command("AUTH PLAIN " + base64("\0" + user + "\0" + password));
    }
}
