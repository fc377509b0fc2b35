import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.concurrent.atomic.LongAdder;

/**
 * The RS256 signing ceiling: how many SHA256withRSA (2048-bit) signatures of a token-sized payload the
 * given number of threads make per second with the JDK's provider, as a token endpoint would. Prints two
 * numbers: signatures per second (wall clock: what the cores gave us, less on a busy machine) and per
 * second of the threads' CPU time (what one core can do, whatever the load). Run as a source file: {@code java bench/SignCeiling.java THREADS SECONDS}.
 */
public final class SignCeiling {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        PrivateKey key = gen.generateKeyPair().getPrivate();
        byte[] payload = "x".repeat(420).getBytes(StandardCharsets.US_ASCII);
        LongAdder signs = new LongAdder();
        LongAdder cpuNanos = new LongAdder();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                try {
                    Signature s = Signature.getInstance("SHA256withRSA");
                    long now;
                    long cpuAtWarmEnd = -1;
                    while ((now = System.nanoTime()) < end) {
                        s.initSign(key);
                        s.update(payload);
                        s.sign();
                        if (now >= warmEnd) {
                            if (cpuAtWarmEnd < 0) {
                                cpuAtWarmEnd = mx.getCurrentThreadCpuTime();
                            } else {
                                signs.increment();
                            }
                        }
                    }
                    cpuNanos.add(mx.getCurrentThreadCpuTime() - cpuAtWarmEnd);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            workers[i].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println(signs.sum() / seconds + " " + Math.round(signs.sum() / (cpuNanos.sum() / 1e9)));
    }
}
