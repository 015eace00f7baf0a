// Reads an .ics file on stdin with ical.js (Thunderbird's parser) and prints its events as
// JSON, with start and end converted to UTC through the file's own VTIMEZONE.
const ICAL = require("ical.js");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(input));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      start_utc: event.startDate.toJSDate().toISOString(),
      end_utc: event.endDate.toJSDate().toISOString(),
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
    };
  });
  process.stdout.write(JSON.stringify(events));
});
