package dev.governor.engine.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.Fact;
import dev.governor.api.PoolSample;
import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.ConfigLoader;
import dev.governor.engine.config.GovernorConfig;
import dev.governor.engine.json.FactCodec;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactRecorderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final FactCodec codec = new FactCodec(Clock.systemUTC());

    @TempDir
    Path dir;

    private static PoolSample pool(int waiting, int second) {
        return new PoolSample("orders", 10, 0, waiting, 10, T0.plusSeconds(second));
    }

    @Test
    void factsTheRulesTookAreAppendedAsJsonLinesThatReadBack() throws Exception {
        Path file = dir.resolve("recordings/facts.jsonl");
        List<Fact> engine = new ArrayList<>();
        try (FactRecorder recorder = new FactRecorder(file, engine::addAll, codec)) {
            recorder.accept(List.of(pool(1, 0), pool(2, 1)));
        }
        try (FactRecorder recorder = new FactRecorder(file, engine::addAll, codec)) {
            recorder.accept(List.of(pool(3, 2)));
            assertThat(recorder.written()).isLessThanOrEqualTo(1);
        }
        assertThat(engine).hasSize(3);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(codec.write(pool(1, 0)));
        assertThat(lines.stream().map(line -> codec.read(line).get(0)).toList()).isEqualTo(engine);
    }

    @Test
    void aBatchTheRulesRefuseIsNotRecordedAndTheSenderIsTold() throws Exception {
        Path file = dir.resolve("facts.jsonl");
        try (FactRecorder recorder = new FactRecorder(file, facts -> {
            throw new IllegalStateException("the rules engine is behind");
        }, codec)) {
            assertThatThrownBy(() -> recorder.accept(List.of(pool(1, 0)))).hasMessage("the rules engine is behind");
        }
        assertThat(Files.readAllLines(file)).isEmpty();
    }

    @Test
    void aSlowDiskDropsFactsFromTheRecordingWithoutSlowingTheRules() throws Exception {
        CountDownLatch diskIsBack = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        Writer slowDisk = new Writer() {
            final StringBuilder text = new StringBuilder();

            @Override
            public void write(char[] chars, int offset, int length) {
                writing.countDown();
                try {
                    diskIsBack.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                text.append(chars, offset, length);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        List<Fact> engine = new ArrayList<>();
        FactRecorder recorder = new FactRecorder(dir.resolve("slow.jsonl"), slowDisk, engine::addAll, codec, 4);
        recorder.accept(List.of(pool(0, 0)));
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            recorder.accept(List.of(pool(i, i)));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("never waits for the disk").isLessThan(1_000);
        assertThat(engine).as("the rules got every fact").hasSize(101);
        assertThat(recorder.dropped()).as("the queue holds 4; the rest is dropped and counted").isEqualTo(96);
        diskIsBack.countDown();
        recorder.close();
        assertThat(recorder.written()).isEqualTo(5);
    }

    @Test
    void recordIsATopLevelKeyResolvedAgainstTheFilesFolder() throws Exception {
        Path config = Files.writeString(dir.resolve("governor.yaml"), "record: recordings/facts.jsonl\n");
        GovernorConfig loaded = new ConfigLoader().load(config);
        assertThat(loaded.record()).isEqualTo(dir.toAbsolutePath().resolve("recordings/facts.jsonl"));
        assertThat(GovernorConfig.defaults().record()).isNull();
        assertThat(loaded.withMode(dev.governor.engine.config.Mode.DRY_RUN).record()).isEqualTo(loaded.record());
        assertThat(loaded.withRecordFile(null).record()).isNull();
    }

    @Test
    void aRecordingThatCannotBeOpenedStopsStartUp() throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "");
        assertThatThrownBy(() -> new FactRecorder(blocker.resolve("facts.jsonl"), facts -> { }, codec))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("record: cannot open " + blocker.resolve("facts.jsonl") + " for appending: ");
    }
}
