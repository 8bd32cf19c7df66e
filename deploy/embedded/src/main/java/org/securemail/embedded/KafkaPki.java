package org.securemail.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and a broker key pair for a broker on loopback, made at run time with the JDK's
 * {@code keytool} (no private key is ever committed): {@code ca.crt} (PEM, what clients trust) and {@code broker.p12}
 * (the broker's key and its certificate for {@code localhost} and {@code 127.0.0.1}, signed by the CA). Files that
 * exist are kept, so a restarted local stack keeps its CA. Used by the secured local stack and the secured tests.
 */
public record KafkaPki(Path dir, String password) {

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path brokerKeystore() {
        return dir.resolve("broker.p12");
    }

    /** The CA certificate in PEM: the value of {@code ssl.truststore.certificates} with {@code ssl.truststore.type=PEM}. */
    public String caPem() {
        try {
            return Files.readString(caCertificate(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PKI in {@code dir}, made now when it is not there yet. */
    public static KafkaPki in(Path dir) {
        try {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Path passwordFile = dir.resolve("pki.password");
            if (Files.exists(dir.resolve("broker.p12")) && Files.exists(dir.resolve("ca.crt"))
                    && Files.exists(passwordFile)) {
                return new KafkaPki(dir, Files.readString(passwordFile).trim());
            }
            String password = randomSecret();
            for (String name : List.of("ca.p12", "broker.p12", "broker.csr", "broker.crt", "ca.crt")) {
                Files.deleteIfExists(dir.resolve(name));
            }
            String ca = dir.resolve("ca.p12").toString();
            String broker = dir.resolve("broker.p12").toString();
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", "CN=securemail local Kafka CA", "-ext", "bc:c", "-keystore", ca, "-storetype", "PKCS12",
                    "-storepass", password);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password,
                    "-file", dir.resolve("ca.crt").toString());
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                    "-dname", "CN=localhost", "-keystore", broker, "-storetype", "PKCS12", "-storepass", password);
            keytool("-certreq", "-alias", "broker", "-keystore", broker, "-storepass", password,
                    "-file", dir.resolve("broker.csr").toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-validity", "3650",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth,clientAuth",
                    "-infile", dir.resolve("broker.csr").toString(), "-outfile", dir.resolve("broker.crt").toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.crt").toString(),
                    "-keystore", broker, "-storepass", password);
            keytool("-importcert", "-alias", "broker", "-file", dir.resolve("broker.crt").toString(),
                    "-keystore", broker, "-storepass", password);
            Files.writeString(passwordFile, password);
            restrict(passwordFile);
            restrict(dir.resolve("ca.p12"));
            restrict(dir.resolve("broker.p12"));
            return new KafkaPki(dir, password);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the Kafka PKI in " + dir, e);
        }
    }

    /** 32 hex digits from a strong random source: passwords that need no quoting in JAAS or properties. */
    public static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
