package io.gregor.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's result.json and report.html into its output directory. */
public final class ResultFiles {
    /** The JSON result's file name. */
    public static final String JSON = "result.json";
    /** The HTML report's file name. */
    public static final String HTML = "report.html";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /**
     * @param result the run
     * @param dir    created if missing
     * @return the report's path
     * @throws IOException if a file cannot be written
     */
    public static Path write(RunResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        MAPPER.writeValue(dir.resolve(JSON).toFile(), result);
        Path report = dir.resolve(HTML);
        Files.writeString(report, HtmlReport.render(result), StandardCharsets.UTF_8);
        return report;
    }
}
