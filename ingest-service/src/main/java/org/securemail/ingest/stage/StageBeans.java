package org.securemail.ingest.stage;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import org.securemail.common.observe.MessageTracing;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.dns.client.DnsResolver;
import org.securemail.dns.client.LocalDnsCache;
import org.securemail.ingest.config.IngestConfig;
import org.securemail.ingest.inspect.content.ContentScanner;
import org.securemail.ingest.inspect.content.RspamdOptions;
import org.securemail.ingest.inspect.content.RspamdScanner;
import org.securemail.ingest.inspect.dkim.DkimLimits;
import org.securemail.ingest.inspect.dkim.DkimVerifier;
import org.securemail.ingest.inspect.dmarc.DmarcEvaluator;
import org.securemail.ingest.inspect.dmarc.PctSampler;
import org.securemail.ingest.inspect.dnsbl.DnsblChecker;
import org.securemail.ingest.inspect.dnsbl.DnsblLimits;
import org.securemail.ingest.inspect.dnsbl.FcrdnsChecker;
import org.securemail.ingest.inspect.dnsbl.FcrdnsLimits;
import org.securemail.ingest.inspect.spf.SpfChecker;
import org.securemail.ingest.inspect.spf.SpfLimits;
import org.securemail.ingest.relay.ProvisioningState;
import org.securemail.ingest.smtp.MessageCheck;

/** Builds the checks from the settings, with every lookup through the DNS service ({@link DnsResolver}). */
@ApplicationScoped
public class StageBeans {

    @Produces
    @ApplicationScoped
    Inspector inspector(DnsResolver dns, InspectionSettings settings, IngestConfig ingest) {
        Optional<ContentScanner> content = settings.rspamd().url().map(url -> new RspamdScanner(new RspamdOptions(
                url, settings.rspamd().timeout(), settings.rspamd().maxMessageBytes(), 1 << 20, 16, 256, null)));
        return inspector(dns, settings, ingest, content);
    }

    /** The end-of-DATA refusal on cached answers only; none where the stage is off. */
    @Produces
    @Singleton
    MessageCheck sessionCheck(LocalDnsCache cache, InspectionSettings settings, IngestConfig ingest,
            ProvisioningState provisioning, ObjectMapper mapper, Vertx vertx, MeterRegistry registry) {
        if (!settings.enabled()) {
            return SessionInspection.none();
        }
        // the scanner is asked by the stage only, so with one configured the session never reaches a verdict
        SessionInspection.Verdicts verdicts = settings.sessionVerdict() && settings.rspamd().url().isEmpty()
                ? new SessionInspection.Verdicts(authservId(settings, ingest), settings.sessionVerdictMaxBytes(),
                        mapper, Clock.systemUTC())
                : null;
        return new SessionInspection(inspector(new CachedAnswers(cache), settings, ingest, Optional.empty()),
                policies(provisioning), settings.sessionBudget(), verdicts, vertx, registry);
    }

    private static String authservId(InspectionSettings settings, IngestConfig ingest) {
        return settings.authservId().filter(id -> !id.isBlank()).orElse(ingest.hostname());
    }

    private static InspectionStage.PolicySource policies(ProvisioningState provisioning) {
        return domain -> provisioning.domain(domain).map(DomainRecord::policy);
    }

    private static Inspector inspector(DnsResolver dns, InspectionSettings settings, IngestConfig ingest,
            Optional<ContentScanner> content) {
        SpfLimits spfDefaults = SpfLimits.DEFAULTS;
        SpfLimits spf = new SpfLimits(settings.lookupDeadline(), settings.checkDeadline(), spfDefaults.maxDnsTerms(),
                spfDefaults.maxVoidLookups(), spfDefaults.maxMxNames(), spfDefaults.maxPtrNames());
        FcrdnsLimits iprev = new FcrdnsLimits(settings.lookupDeadline(), FcrdnsLimits.DEFAULTS.maxPtrNames(),
                FcrdnsLimits.DEFAULTS.maxAddresses());
        return new Inspector(
                new SpfChecker(dns, spf, ingest.hostname(), Clock.systemUTC()),
                new DkimVerifier(dns, DkimLimits.defaults(), Clock.systemUTC(), Infrastructure.getDefaultWorkerPool()),
                new DmarcEvaluator(dns, settings.lookupDeadline(), PctSampler.random()),
                new FcrdnsChecker(dns, iprev),
                new DnsblChecker(dns, DnsblLimits.DEFAULTS),
                content);
    }

    @Produces
    @ApplicationScoped
    InspectionStage stage(Inspector inspector, ProvisioningState provisioning, StageOutbox outbox,
            ObjectMapper mapper, InspectionSettings settings, IngestConfig ingest, MeterRegistry registry,
            MessageTracing tracing) {
        return new InspectionStage(inspector, policies(provisioning), outbox, mapper, settings,
                authservId(settings, ingest), Clock.systemUTC(), registry, tracing);
    }
}
