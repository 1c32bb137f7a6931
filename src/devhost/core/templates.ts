/**
 * publishEvent templates rendered the way the real service does: Mustache/handlebars over the
 * subscription's consumer inputs only; {{x}} is HTML-encoded, {{{x}}} is raw, a missing input is "".
 */
import Handlebars from "handlebars";

const engine = Handlebars.create();
engine.registerHelper("uriEscape", (value: unknown) => encodeURIComponent(value === undefined || value === null ? "" : String(value)));
engine.registerHelper("jsonEscape", (value: unknown) => JSON.stringify(value === undefined || value === null ? "" : String(value)).slice(1, -1));
engine.registerHelper("equals", (a: unknown, b: unknown) => String(a) === String(b));
engine.registerHelper("notEquals", (a: unknown, b: unknown) => String(a) !== String(b));
engine.registerHelper("stringLower", (value: unknown) => String(value ?? "").toLowerCase());

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function renderTemplate(template: string, inputs: Record<string, string>): string {
  let compiled = cache.get(template);
  if (!compiled) {
    compiled = engine.compile(template, { noEscape: false, strict: false });
    cache.set(template, compiled);
  }
  return compiled({ ...inputs });
}
