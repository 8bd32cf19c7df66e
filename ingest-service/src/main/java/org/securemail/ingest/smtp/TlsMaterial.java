package org.securemail.ingest.smtp;

import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;

import org.jboss.logging.Logger;
import org.securemail.ingest.config.IngestConfig;

/** The STARTTLS key and certificate: the configured PEM files, or a self-signed pair generated at start-up (dev). */
final class TlsMaterial {

    private static final Logger LOG = Logger.getLogger(TlsMaterial.class);

    private TlsMaterial() {
    }

    static KeyCertOptions load(IngestConfig config) {
        var tls = config.tls();
        if (tls.certPath().isPresent() && tls.keyPath().isPresent()) {
            LOG.infof("STARTTLS certificate from %s", tls.certPath().get());
            return new PemKeyCertOptions().setCertPath(tls.certPath().get()).setKeyPath(tls.keyPath().get());
        }
        if (tls.certPath().isPresent() != tls.keyPath().isPresent()) {
            throw new IllegalStateException("ingest.tls.cert-path and ingest.tls.key-path must be set together");
        }
        LOG.warnf("no ingest.tls.cert-path/key-path configured: generating a self-signed certificate for %s"
                + " (fine for development, not for production)", config.hostname());
        return SelfSignedCertificate.create(config.hostname()).keyCertOptions();
    }
}
