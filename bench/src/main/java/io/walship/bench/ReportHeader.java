package io.walship.bench;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The first lines of every results section: when, on what machine, and how busy it was around the run. */
final class ReportHeader {
    private ReportHeader() {
    }

    static String of(String machine, String loadBefore, String loadAfter) {
        return "Date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "  \n"
                + "Machine: " + machine + "  \n"
                + "Load average: " + loadBefore + " before, " + loadAfter + " after  \n";
    }
}
