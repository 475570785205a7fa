package io.gregor.loadtest;

import io.gregor.loadtest.report.RunResult.Memory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What a result needs to be reproducible: the commit and the machine. */
final class Environment {
    private Environment() {
    }

    /** @return {@code git rev-parse HEAD} in the working directory, or null outside a checkout or without git */
    static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean finished = git.waitFor(10, TimeUnit.SECONDS);
            return finished && git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return cores, memory, CPU model, OS and JVM */
    static Map<String, Object> hardware() {
        Map<String, Object> hw = new LinkedHashMap<>();
        hw.put("cores", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            hw.put("memoryBytes", os.getTotalMemorySize());
        }
        hw.put("cpuModel", procValue("/proc/cpuinfo", "model name"));
        hw.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        hw.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + ")");
        hw.put("jvmMaxHeapBytes", Runtime.getRuntime().maxMemory());
        hw.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return hw;
    }

    /** @return the peak heap (all heap pools) and peak resident set of this JVM so far */
    static Memory peakMemory() {
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        String hwm = procValue("/proc/self/status", "VmHWM");
        long rss = -1;
        if (hwm != null && hwm.endsWith("kB")) {
            rss = Long.parseLong(hwm.replace("kB", "").trim()) * 1024;
        }
        return new Memory(heap, rss);
    }

    /** @return the value after "key:" on the first matching line of a /proc file, or null */
    private static String procValue(String file, String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
