package org.securemail.ingest.stage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import org.securemail.common.mail.MailEnvelope;
import org.securemail.ingest.inspect.content.ContentScanner;
import org.securemail.ingest.inspect.content.ScanRequest;
import org.securemail.ingest.inspect.content.ScanVerdict;
import org.securemail.ingest.inspect.dkim.DkimSignatureResult;
import org.securemail.ingest.inspect.dkim.DkimVerifier;
import org.securemail.ingest.inspect.dmarc.AuthResult;
import org.securemail.ingest.inspect.dmarc.DkimIdentifier;
import org.securemail.ingest.inspect.dmarc.DmarcEvaluator;
import org.securemail.ingest.inspect.dmarc.DmarcInput;
import org.securemail.ingest.inspect.dmarc.DmarcOutcome;
import org.securemail.ingest.inspect.dmarc.DmarcPolicyView;
import org.securemail.ingest.inspect.dmarc.FromHeader;
import org.securemail.ingest.inspect.dmarc.SpfIdentifier;
import org.securemail.ingest.inspect.dnsbl.DnsblChecker;
import org.securemail.ingest.inspect.dnsbl.DnsblOutcome;
import org.securemail.ingest.inspect.dnsbl.DnsblZone;
import org.securemail.ingest.inspect.dnsbl.FcrdnsChecker;
import org.securemail.ingest.inspect.dnsbl.FcrdnsOutcome;
import org.securemail.ingest.inspect.net.IpLiterals;
import org.securemail.ingest.inspect.spf.SpfChecker;
import org.securemail.ingest.inspect.spf.SpfIdentity;
import org.securemail.ingest.inspect.spf.SpfOutcome;

/**
 * Runs the checks of one message, concurrently where they do not depend on each other: SPF and DKIM, then DMARC on
 * their results; iprev, the blocklists and the content scan beside them. Every check has its own deadlines and gives
 * its RFC's error result instead of failing, so the returned {@link Uni} does not fail either.
 */
public final class Inspector {

    private final SpfChecker spf;
    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;
    private final FcrdnsChecker iprev;
    private final DnsblChecker dnsbl;
    private final Optional<ContentScanner> content;

    public Inspector(SpfChecker spf, DkimVerifier dkim, DmarcEvaluator dmarc, FcrdnsChecker iprev, DnsblChecker dnsbl,
            Optional<ContentScanner> content) {
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = dmarc;
        this.iprev = iprev;
        this.dnsbl = dnsbl;
        this.content = content;
    }

    /** SPF alone, for an operator: the MAIL FROM identity, or HELO when no sender is given. */
    public Uni<SpfOutcome> spfCheck(InetAddress client, String helo, String sender) {
        return sender.isEmpty() ? spf.checkHelo(client, helo) : spf.checkMailFrom(client, helo, sender);
    }

    /** DMARC policy discovery alone, for an operator. */
    public Uni<DmarcPolicyView> dmarcPolicy(String domain) {
        return dmarc.lookupPolicy(domain);
    }

    /** Whether a content scanner is configured. */
    public boolean scans() {
        return content.isPresent();
    }

    /**
     * Inspects {@code message}. SPF runs when {@code plan} needs it for a policy or for DMARC, DMARC when a policy
     * asks for it, the blocklists of the plan's zones; DKIM and iprev always (they cost one lookup each and every
     * reader of the header wants them).
     */
    public Uni<InspectionReport> inspect(MailEnvelope envelope, byte[] message, CheckPlan plan) {
        InetAddress client = address(envelope.clientIp());
        if (client == null) {
            // ingest always records the peer's address; a record without one cannot be checked against it
            return dkim.verify(message).map(signatures -> new InspectionReport(null, signatures, null, null, null,
                    null));
        }
        // SPF and DKIM feed DMARC and the report: each runs once (memoized), never once per subscriber; a second run
        // would do every lookup twice and count SPF's DNS terms twice against the limit of 10
        Uni<SpfOutcome> spfCheck = (plan.spf() || plan.dmarc()
                ? spf.checkMailFrom(client, envelope.helo(), envelope.sender())
                : Uni.createFrom().<SpfOutcome>nullItem()).memoize().indefinitely();
        Uni<List<DkimSignatureResult>> dkimCheck = dkim.verify(message).memoize().indefinitely();
        Uni<DmarcOutcome> dmarcCheck = Uni.combine().all().unis(spfCheck, dkimCheck).asTuple()
                .chain(t -> plan.dmarc() ? dmarc.evaluate(FromHeader.authorDomains(message),
                        dmarcInput(client, envelope, t.getItem1(), t.getItem2())) : Uni.createFrom().nullItem());
        Uni<FcrdnsOutcome> iprevCheck = iprev.check(client);
        Uni<DnsblOutcome> dnsblCheck = plan.dnsblZones().isEmpty() ? Uni.createFrom().nullItem()
                : dnsbl.check(client, plan.dnsblZones());
        Uni<ScanVerdict> contentCheck = content.map(scanner -> scanner.scan(new ScanRequest(message, client,
                envelope.helo(), envelope.sender(), envelope.recipients(), envelope.authIdentity(),
                envelope.queueId()))).orElse(Uni.createFrom().nullItem());
        return Uni.combine().all().unis(spfCheck, dkimCheck, dmarcCheck, iprevCheck, dnsblCheck, contentCheck)
                .with(InspectionReport::new)
                .onFailure().recoverWithNull(); // a bug in a check: no report, the stage parks the message
    }

    private static DmarcInput dmarcInput(InetAddress client, MailEnvelope envelope, SpfOutcome spf,
            List<DkimSignatureResult> signatures) {
        SpfIdentifier spfId = spf == null ? null : new SpfIdentifier(spf.domain(),
                spf.identity() == SpfIdentity.HELO ? SpfIdentifier.SpfScope.HELO
                        : envelope.nullSender() ? SpfIdentifier.SpfScope.HELO : SpfIdentifier.SpfScope.MFROM,
                AuthResult.fromName(spf.result().rfcName()));
        List<DkimIdentifier> dkimIds = signatures.stream()
                .map(s -> new DkimIdentifier(s.domain(), s.selector(), AuthResult.fromName(s.result().token())))
                .toList();
        String envelopeDomain = envelope.nullSender() ? null
                : envelope.sender().substring(envelope.sender().lastIndexOf('@') + 1);
        return new DmarcInput(null, client, envelopeDomain, spfId, dkimIds);
    }

    /** The client's address from its literal; never a DNS lookup. Null when the envelope has no usable one. */
    static InetAddress address(String literal) {
        byte[] raw = IpLiterals.parse(literal);
        if (raw == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** What a message's recipients' policies ask to be checked. */
    public record CheckPlan(boolean spf, boolean dmarc, List<DnsblZone> dnsblZones) {

        public CheckPlan {
            dnsblZones = List.copyOf(dnsblZones);
        }
    }
}
