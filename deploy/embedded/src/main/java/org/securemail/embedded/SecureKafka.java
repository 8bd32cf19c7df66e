package org.securemail.embedded;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.securemail.common.access.AclRules;
import org.securemail.common.access.KafkaAccess;
import org.securemail.common.access.ServiceAccess;

/**
 * A broker secured the way the cluster is (ADR 0081), for the local stack ({@code KAFKA_SECURE=1}) and the tests: one
 * SASL_SSL listener with SCRAM-SHA-512, the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false},
 * the administrator {@value KafkaAccess#ADMIN} the only super user, and one SCRAM user per service with the ACLs of
 * {@link KafkaAccess}. The controller listener (loopback, never given to clients) takes SASL PLAIN with a user of its
 * own. Passwords are made at random on first use and kept in {@code users.properties} next to the PKI.
 *
 * @param dir       where the PKI and the passwords are kept
 * @param pki       the CA and the broker's key
 * @param passwords user name to password: the administrator, the controller and every service
 */
public record SecureKafka(Path dir, KafkaPki pki, Map<String, String> passwords) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String CONTROLLER_USER = "controller";
    private static final int SCRAM_ITERATIONS = 4096;
    private static final long TIMEOUT_SECONDS = 60;

    /** The PKI and the passwords in {@code dir}, made now when missing. */
    public static SecureKafka in(Path dir) {
        KafkaPki pki = KafkaPki.in(dir);
        Path file = dir.resolve("users.properties");
        Properties users = new Properties();
        try {
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file)) {
                    users.load(in);
                }
            }
            boolean added = false;
            List<String> names = new ArrayList<>(List.of(KafkaAccess.ADMIN, CONTROLLER_USER));
            KafkaAccess.all().forEach(a -> names.add(a.principal()));
            for (String name : names) {
                if (users.getProperty(name) == null) {
                    users.setProperty(name, KafkaPki.randomSecret());
                    added = true;
                }
            }
            if (added) {
                try (Writer out = Files.newBufferedWriter(file)) {
                    users.store(out, "Kafka SCRAM passwords of the secured local broker (made at random; ADR 0081)");
                }
                KafkaPki.restrict(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> passwords = new TreeMap<>();
        users.stringPropertyNames().forEach(name -> passwords.put(name, users.getProperty(name)));
        return new SecureKafka(dir, pki, Map.copyOf(passwords));
    }

    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka user " + user);
        }
        return password;
    }

    /**
     * The broker's listener and security settings: {@code SASL_SSL} on {@code host:port} for clients and for the
     * broker itself, {@code CONTROLLER} (SASL PLAIN) on {@code host:controllerPort}. The caller adds the rest (node id,
     * log dirs, quorum voters, topic defaults).
     */
    public Map<String, String> brokerProperties(String host, int port, int controllerPort) {
        String controllerPassword = password(CONTROLLER_USER);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", "SASL_SSL://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://" + host + ":" + port);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_SSL");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(KafkaAccess.ADMIN, password(KafkaAccess.ADMIN)));
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + CONTROLLER_USER
                        + "\" password=\"" + controllerPassword + "\" user_" + CONTROLLER_USER + "=\""
                        + controllerPassword + "\";");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", pki.brokerKeystore().toString());
        p.put("ssl.keystore.password", pki.password());
        p.put("ssl.key.password", pki.password());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", pki.caCertificate().toString());
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + KafkaAccess.ADMIN + ";User:" + CONTROLLER_USER);
        return p;
    }

    /** The argument of {@code StorageTool format --add-scram}: the administrator exists before the broker starts. */
    public String adminScramFormatArgument() {
        return MECHANISM + "=[name=" + KafkaAccess.ADMIN + ",password=" + password(KafkaAccess.ADMIN) + "]";
    }

    /** Kafka client settings of {@code user}: SASL_SSL, SCRAM-SHA-512, the CA as a PEM trust store. */
    public Map<String, Object> clientConfig(String bootstrapServers, String user) {
        Map<String, Object> config = new TreeMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        environment(user).forEach((name, value) ->
                config.put(name.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value));
        return config;
    }

    /**
     * What a service of {@code user} is given, as the cluster gives it (platform-config.yaml and its Deployment): the
     * environment variables its {@code kafka.*} configuration is read from.
     */
    public Map<String, String> environment(String user) {
        Map<String, String> env = new TreeMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", MECHANISM);
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas(user, password(user)));
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_CERTIFICATES", pki.caPem());
        return env;
    }

    /** Creates (or resets) every service's SCRAM credential and ACLs, from {@link KafkaAccess}, as the administrator. */
    public void applyAccess(String bootstrapServers, List<ServiceAccess> services) {
        try (Admin admin = Admin.create(clientConfig(bootstrapServers, KafkaAccess.ADMIN))) {
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            List<AclBinding> acls = new ArrayList<>();
            for (ServiceAccess access : services) {
                credentials.add(new UserScramCredentialUpsertion(access.principal(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password(access.principal())));
                acls.addAll(AclRules.bindings(access));
            }
            admin.alterUserScramCredentials(credentials).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the Kafka users and ACLs on " + bootstrapServers, e);
        }
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
