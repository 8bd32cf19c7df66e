package org.securemail.delivery.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.securemail.delivery.config.DeliveryConfig;

/** SMTP client settings for unit tests (short timeouts, optional trust file). */
record TestSmtpSettings(Duration connectTimeout, Duration greetingTimeout, Duration commandTimeout,
        Duration dataInitTimeout, Duration dataDoneTimeout, Duration connectionIdleTime, int connectionReuseLimit,
        int maxAddresses, Optional<String> trustPem, List<String> ownNames) implements DeliveryConfig.Smtp {

    static TestSmtpSettings defaults() {
        Duration t = Duration.ofSeconds(5);
        return new TestSmtpSettings(t, t, t, t, t, Duration.ofSeconds(30), 100, 5, Optional.empty(), List.of("localhost"));
    }

    TestSmtpSettings withGreetingTimeout(Duration d) {
        return new TestSmtpSettings(connectTimeout, d, commandTimeout, dataInitTimeout, dataDoneTimeout,
                connectionIdleTime, connectionReuseLimit, maxAddresses, trustPem, ownNames);
    }

    TestSmtpSettings withConnectionIdleTime(Duration d) {
        return new TestSmtpSettings(connectTimeout, greetingTimeout, commandTimeout, dataInitTimeout, dataDoneTimeout,
                d, connectionReuseLimit, maxAddresses, trustPem, ownNames);
    }

    TestSmtpSettings withOwnNames(String... names) {
        return new TestSmtpSettings(connectTimeout, greetingTimeout, commandTimeout, dataInitTimeout, dataDoneTimeout,
                connectionIdleTime, connectionReuseLimit, maxAddresses, trustPem, List.of(names));
    }

    TestSmtpSettings withTrust(String pem) {
        return new TestSmtpSettings(connectTimeout, greetingTimeout, commandTimeout, dataInitTimeout, dataDoneTimeout,
                connectionIdleTime, connectionReuseLimit, maxAddresses, Optional.of(pem), ownNames);
    }
}
