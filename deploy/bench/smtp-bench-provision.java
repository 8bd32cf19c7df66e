// Publishes one inbound domain to provisioning.domains for deploy/bench/smtp-bench.
// Run as a single-file program: java -cp 'deploy/local/target/lib/*' deploy/bench/smtp-bench-provision.java BOOTSTRAP DOMAIN
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.securemail.common.provisioning.DomainPolicy;
import org.securemail.common.provisioning.DomainRecord;
import org.securemail.common.provisioning.NextHop;
import org.securemail.common.provisioning.TlsPolicy;
import org.securemail.common.topics.Topics;

public class SmtpBenchProvision {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String domain = args[1];
        DomainRecord record = new DomainRecord(domain, "bench", true,
                List.of(new NextHop("127.0.0.1", 25, 10, TlsPolicy.NONE)), false, 0, false,
                new DomainPolicy("off", "off", List.of()), 1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.PROVISIONING_DOMAINS, domain,
                    new ObjectMapper().writeValueAsBytes(record))).get(30, TimeUnit.SECONDS);
        }
        System.out.println("provisioned " + domain);
    }
}
