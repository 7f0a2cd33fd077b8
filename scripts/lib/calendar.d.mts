// Types for calendar.mjs (imported by the PII corpus generators in bench/ and training/).
export declare function monthNames(): string[];
export declare function weekdayNames(): string[];
