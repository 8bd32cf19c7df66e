package org.securemail.ingest.stage;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;
import org.securemail.ingest.inspect.dmarc.DmarcPolicyView;
import org.securemail.ingest.inspect.spf.SpfOutcome;

/**
 * An operator's view of a check, on ingest's management interface (never the SMTP load balancer, ADR 0062), like
 * {@code spfquery}: {@code GET /inspect/spf?ip=&helo=&sender=} and {@code GET /inspect/dmarc?domain=} answer JSON with
 * {@code result} (the RFC's result name) and the steps that led to it. The lookups go through the DNS service like the
 * stage's. Bad parameters get 400 and more than {@value #MAX_CONCURRENT} checks at once 429, as problem+json.
 */
@ApplicationScoped
public class OperatorChecks {

    private static final Logger LOG = Logger.getLogger(OperatorChecks.class);
    static final int MAX_CONCURRENT = 8;
    private static final int MAX_NAME = 255;
    private static final int MAX_SENDER = 512;
    private static final String PROBLEM = "application/problem+json";

    @Inject
    Inspector inspector;

    @Inject
    ObjectMapper mapper;

    private final Semaphore running = new Semaphore(MAX_CONCURRENT);

    void routes(@Observes ManagementInterface management) {
        management.router().get("/inspect/spf").handler(this::spf);
        management.router().get("/inspect/dmarc").handler(this::dmarc);
    }

    private void spf(RoutingContext ctx) {
        String ip = ctx.request().getParam("ip");
        String helo = ctx.request().getParam("helo", "");
        String sender = ctx.request().getParam("sender", "");
        InetAddress client = ip == null || ip.length() > 45 ? null : Inspector.address(ip);
        if (client == null) {
            problem(ctx, 400, "Bad parameter", "ip: an IPv4 or IPv6 address literal is required");
            return;
        }
        if (helo.length() > MAX_NAME || sender.length() > MAX_SENDER || !printable(helo) || !printable(sender)) {
            problem(ctx, 400, "Bad parameter", "helo (at most " + MAX_NAME + ") and sender (at most " + MAX_SENDER
                    + ") must be printable ASCII");
            return;
        }
        if (helo.isEmpty() && sender.isEmpty()) {
            problem(ctx, 400, "Bad parameter", "helo or sender is required");
            return;
        }
        run(ctx, inspector.spfCheck(client, helo, sender).map(OperatorChecks::spfView));
    }

    private void dmarc(RoutingContext ctx) {
        String domain = ctx.request().getParam("domain");
        if (domain == null || domain.isBlank() || domain.length() > MAX_NAME || !printable(domain)) {
            problem(ctx, 400, "Bad parameter", "domain: a domain name of at most " + MAX_NAME + " characters");
            return;
        }
        run(ctx, inspector.dmarcPolicy(domain).map(OperatorChecks::dmarcView));
    }

    private void run(RoutingContext ctx, Uni<Map<String, Object>> check) {
        if (!running.tryAcquire()) {
            problem(ctx, 429, "Too many checks", "at most " + MAX_CONCURRENT + " operator checks run at once");
            return;
        }
        check.subscribe().with(view -> {
            running.release();
            write(ctx, 200, "application/json", view);
        }, failure -> {
            running.release();
            LOG.warnf(failure, "operator check failed");
            problem(ctx, 500, "Check failed", "the check could not be completed; see the service log");
        });
    }

    static Map<String, Object> spfView(SpfOutcome outcome) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("result", outcome.result().rfcName());
        view.put("identity", outcome.identity().name().toLowerCase(java.util.Locale.ROOT));
        view.put("sender", outcome.sender());
        view.put("domain", outcome.domain());
        view.put("mechanism", outcome.mechanism());
        view.put("explanation", outcome.explanation());
        view.put("trace", outcome.trace());
        return view;
    }

    /**
     * {@code result}: the policy found ({@code none}, {@code quarantine}, {@code reject}: the {@code p=} of the record
     * that applies), or discovery's {@code none}, {@code temperror} or {@code permerror}.
     */
    static Map<String, Object> dmarcView(DmarcPolicyView found) {
        Map<String, Object> view = new LinkedHashMap<>();
        boolean sub = found.fromOrganizationalDomain();
        view.put("result", found.status() == DmarcPolicyView.Status.FOUND
                ? (sub ? found.record().effectiveSubdomainPolicy() : found.record().policy()).rfcName()
                : found.status().name().toLowerCase(java.util.Locale.ROOT));
        view.put("domain", found.domain());
        view.put("organizationalDomain", found.organizationalDomain());
        view.put("policyDomain", found.policyDomain());
        if (found.record() != null) {
            view.put("p", found.record().policy().rfcName());
            view.put("sp", found.record().effectiveSubdomainPolicy().rfcName());
            view.put("pct", found.record().percent());
        }
        view.put("explanation", found.explanation());
        return view;
    }

    private static boolean printable(String s) {
        return s.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    private void problem(RoutingContext ctx, int status, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        write(ctx, status, PROBLEM, problem);
    }

    private void write(RoutingContext ctx, int status, String type, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", type).end(mapper.writeValueAsString(body));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
