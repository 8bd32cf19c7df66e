// Load driver for deploy/bench/delivery-bench (single-file program).
//   provision BOOTSTRAP DOMAINS SINK_PORT            publish DOMAINS inbound domains d1..dN.bench.test routed to smtp-sink
//   run BOOTSTRAP DOMAINS MESSAGES MSG_LEN LABEL     produce MESSAGES one-recipient messages into mail.ready (delivery's default input), spread
//                                                    over DOMAINS destinations, and time them until every one has a
//                                                    DELIVERED event on delivery.events
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.securemail.common.topics.Topics;

public class DeliveryBenchLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "provision" -> provision(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "run" -> run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args[5]);
            default -> throw new IllegalArgumentException("provision|run");
        }
    }

    static String domain(int i) {
        return "d" + (i + 1) + ".bench.test";
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAIL_MAX_MESSAGE_BYTES);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void provision(String bootstrap, int domains, int sinkPort) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < domains; i++) {
                String json = "{\"name\":\"" + domain(i) + "\",\"tenantId\":\"bench\",\"inboundEnabled\":true,"
                        + "\"nextHops\":[{\"host\":\"127.0.0.1\",\"port\":" + sinkPort + ",\"preference\":10,\"tls\":\"NONE\"}],"
                        + "\"recipientListOnly\":false,\"maxMessageSize\":0,\"outboundAllowed\":false,\"policy\":null,\"version\":1}";
                producer.send(new ProducerRecord<>(Topics.PROVISIONING_DOMAINS, domain(i),
                        json.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        System.err.println("provisioned " + domains + " domains routed to 127.0.0.1:" + sinkPort);
    }

    static void run(String bootstrap, int domains, int messages, int msgLen, String label) throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer()); KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            List<TopicPartition> parts = events.partitionsFor(Topics.DELIVERY_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            events.assign(parts);
            events.seekToEnd(parts);
            parts.forEach(events::position);

            StringBuilder body = new StringBuilder();
            while (body.length() < msgLen) {
                body.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
            }
            String prefix = "BENCH" + label.toUpperCase().replaceAll("[^A-Z0-9]", "") + "X";
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                String queueId = prefix + i;
                String rcpt = "r" + i + "@" + domain(i % domains);
                String envelope = "{\"queueId\":\"" + queueId + "\",\"sender\":\"bench@sender.test\",\"recipients\":[\""
                        + rcpt + "\"],\"clientIp\":\"127.0.0.1\",\"helo\":\"bench\",\"tlsProtocol\":null,"
                        + "\"authIdentity\":null,\"tenantId\":\"bench\",\"direction\":\"INBOUND\",\"receivedAt\":\""
                        + Instant.now() + "\",\"size\":" + msgLen + "}";
                byte[] message = ("From: <bench@sender.test>\r\nTo: <" + rcpt + ">\r\nSubject: bench " + i
                        + "\r\nMessage-ID: <" + queueId + "@bench>\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MAIL_READY, queueId, message);
                record.headers().add("sm-envelope", envelope.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
            double produced = (System.nanoTime() - t0) / 1e9;
            int delivered = 0;
            int deferred = 0;
            int bounced = 0;
            long last = t0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (delivered < messages && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    JsonNode event = JSON.readTree(r.value());
                    switch (event.get("outcome").asText()) {
                        case "DELIVERED" -> {
                            delivered++;
                            last = System.nanoTime();
                        }
                        case "DEFERRED" -> deferred++;
                        default -> bounced++;
                    }
                }
            }
            double seconds = (last - t0) / 1e9;
            System.out.printf("%-16s destinations=%-3d messages=%-6d delivered=%-6d deferred=%-4d bounced=%-4d "
                    + "produce=%.2fs total=%.2fs rate=%.0f deliveries/s%n", label, domains, messages, delivered,
                    deferred, bounced, produced, seconds, delivered / seconds);
            if (delivered < messages) {
                System.exit(2);
            }
        }
    }
}
