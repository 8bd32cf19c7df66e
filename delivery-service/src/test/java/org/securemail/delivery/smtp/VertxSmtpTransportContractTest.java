package org.securemail.delivery.smtp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.testing.SmtpSink;
import org.securemail.testing.FreePorts;

class VertxSmtpTransportContractTest implements SmtpTransportContract {

    private Vertx vertx;
    private VertxSmtpTransport client;
    private final List<SmtpSink> sinks = new ArrayList<>();
    private final Map<String, SmtpSink> byHop = new HashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = new VertxSmtpTransport(vertx, TestSmtpSettings.defaults(), "contract.test");
    }

    @AfterEach
    void stop() {
        client.close();
        sinks.forEach(SmtpSink::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Override
    public SmtpTransport transport() {
        return client;
    }

    @Override
    public NextHopAddress liveHop(Function<String, String> rcptReply) {
        SmtpSink sink = SmtpSink.start();
        sink.rcptReply = rcptReply;
        sinks.add(sink);
        NextHopAddress hop = new NextHopAddress("live.test", "127.0.0.1", sink.port(), TlsPolicy.NONE);
        byHop.put(hop.display(), sink);
        return hop;
    }

    @Override
    public NextHopAddress deadHop() {
        return new NextHopAddress("dead.test", "127.0.0.1", FreePorts.next(), TlsPolicy.NONE);
    }

    @Override
    public List<String> deliveredTo(NextHopAddress hop) {
        SmtpSink sink = byHop.get(hop.display());
        return sink == null ? List.of() : sink.recipients();
    }
}
