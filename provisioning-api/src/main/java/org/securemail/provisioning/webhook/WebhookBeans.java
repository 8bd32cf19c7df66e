package org.securemail.provisioning.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.securemail.provisioning.config.ProvisioningConfig;

/** The webhook feature's plain objects, made from its settings (a wrong setting stops the start, naming it). */
@ApplicationScoped
public class WebhookBeans {

    private static final Logger LOG = Logger.getLogger(WebhookBeans.class);

    @Produces
    @Singleton
    WebhookSecrets secrets(ProvisioningConfig config) {
        WebhookSecrets secrets = new WebhookSecrets(config.webhooks().secretKey());
        if (!secrets.sealing()) {
            LOG.warn("provisioning.webhooks.secret-key is not set: webhook signing secrets are stored unsealed in the"
                    + " database (set it to base64 of 32 random bytes: openssl rand -base64 32)");
        }
        return secrets;
    }

    @Produces
    @Singleton
    WebhookRetrySchedule schedule(ProvisioningConfig config) {
        return new WebhookRetrySchedule(config.webhooks().retryDelays());
    }
}
