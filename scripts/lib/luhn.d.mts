// Types for luhn.mjs (imported by the PII tests and the evaluation corpus).
export declare function luhnDigit(body: string): string;
