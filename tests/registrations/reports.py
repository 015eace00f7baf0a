"""Hand-written attendee reports in the shapes Zoom, Microsoft Teams and Google Meet export.

Each is returned as the bytes the platform writes (encoding, BOM, delimiter), so the tests
exercise decoding too.
"""

# Zoom meeting "Participants" report: UTF-8 with BOM, commas, a meeting header block whose
# e-mail address is the host's (the host is listed among the participants too), one row per
# join (Lies joined twice), "Name (Original Name)" when someone renamed.
ZOOM_MEETING = """\
Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Webinar ICA-principes,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,info@coopkracht.test,94,5

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
Coopkracht,info@coopkracht.test,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,94,No,Y
Lies Peeters,LIES@example.test,02/10/2022 07:01:10 PM,02/10/2022 07:40:00 PM,39,Yes,Y
Lies Peeters,lies@example.test,02/10/2022 07:45:30 PM,02/10/2022 08:30:00 PM,45,Yes,Y
Sofie J (Sofie Janssens),sofie@samenhuis.test,02/10/2022 07:00:02 PM,02/10/2022 08:30:40 PM,91,Yes,Y
Tom Nieuw,tom@nieuwecoop.test,02/10/2022 07:03:00 PM,02/10/2022 08:01:00 PM,58,Yes,Y
iPhone van Jef,,02/10/2022 07:10:00 PM,02/10/2022 07:20:00 PM,10,Yes,Y
Karel Kapot,karel@@broken,02/10/2022 07:10:00 PM,02/10/2022 07:20:00 PM,10,Yes,Y
"""


def zoom_meeting() -> bytes:
    return ZOOM_MEETING.replace("\n", "\r\n").encode("utf-8-sig")


# Zoom webinar "Attendee report": sections; hosts and panelists are not attendees;
# registrants who did not come are listed with Attended = No.
ZOOM_WEBINAR = """\
Attendee Report,
Report Generated:,"02/11/2022 09:12 AM"
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views,
"Webinar ICA-principes","812 3456 7890","02/10/2022 06:58:01 PM","94","4","0","2","3","2",
Host Details,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,
Yes,Coopkracht,info@coopkracht.test,02/10/2022 06:58:01 PM,02/10/2022 08:32:00 PM,94,No,Belgium,
Panelist Details,
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,
Yes,Prof. Spreker,spreker@univ.test,02/10/2022 06:59:00 PM,02/10/2022 08:30:00 PM,91,Yes,Belgium,
Attendee Details,
Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,
Yes,Lies Peeters,Lies,Peeters,lies@example.test,02/01/2022 10:00:00 AM,approved,02/10/2022 07:01:10 PM,02/10/2022 08:30:00 PM,89,Yes,Belgium,
Yes,Tom Nieuw,Tom,Nieuw,tom@nieuwecoop.test,02/02/2022 11:00:00 AM,approved,02/10/2022 07:03:00 PM,02/10/2022 08:01:00 PM,58,Yes,Belgium,
No,Mohamed El Amrani,Mohamed,El Amrani,mohamed@example.test,02/03/2022 09:00:00 AM,approved,--,--,--,Yes,Belgium,
"""


def zoom_webinar() -> bytes:
    return ZOOM_WEBINAR.replace("\n", "\r\n").encode("utf-8")


# Microsoft Teams attendance report (2022 format): UTF-16 LE with BOM, tabs, numbered
# sections; the organiser is listed too; the activities section repeats people.
TEAMS = (
    "1. Summary\n"
    "Meeting title\tWebinar ICA-principes\n"
    "Attended participants\t3\n"
    "Start time\t2/10/22, 7:00:12 PM\n"
    "End time\t2/10/22, 8:31:40 PM\n"
    "Meeting duration\t1h 31m 28s\n"
    "Average attendance time\t1h 2m 10s\n"
    "\n"
    "2. Participants\n"
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
    "Coopkracht Team\t2/10/22, 7:00:12 PM\t2/10/22, 8:31:40 PM\t1h 31m 28s\tinfo@coopkracht.test\tinfo@coopkracht.test\tOrganizer\n"
    "Lies Peeters\t2/10/22, 7:01:10 PM\t2/10/22, 8:30:00 PM\t1h 28m 50s\tLies@Example.test\t\tAttendee\n"
    "Séverine Dupré (Extern)\t2/10/22, 7:05:00 PM\t2/10/22, 8:00:00 PM\t55m 0s\t\tseverine@cooperatie-bxl.test\tAttendee\n"
    "Anoniem toestel\t2/10/22, 7:06:00 PM\t2/10/22, 7:16:00 PM\t10m 0s\t\t\tAttendee\n"
    "\n"
    "3. In-Meeting Activities\n"
    "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
    "Lies Peeters\t2/10/22, 7:01:10 PM\t2/10/22, 8:30:00 PM\t1h 28m 50s\tLies@Example.test\tAttendee\n"
    "Séverine Dupré (Extern)\t2/10/22, 7:05:00 PM\t2/10/22, 8:00:00 PM\t55m 0s\t\tAttendee\n"
)


def teams() -> bytes:
    return TEAMS.replace("\n", "\r\n").encode("utf-16")


# Google Meet attendance report (Google Sheets download as CSV): plain UTF-8, commas,
# first and last name apart, durations in words.
MEET = """\
First name,Last name,Email,Duration,Time joined,Time exited
Lies,Peeters,lies@example.test,1 hr 28 min,19:01,20:30
Tom,Nieuw,tom@nieuwecoop.test,58 min,19:03,20:01
Jef,,,10 min,19:10,19:20
"""


def meet() -> bytes:
    return MEET.encode("utf-8")


# A Belgian Excel export: Windows-1252, semicolons, Dutch headers
EXCEL_NL = "Naam;E-mailadres;Duur\r\nBérénice Coöp;berenice@example.test;45\r\n".encode("cp1252")


# A participants export with a Role column, times as Zoom writes them (month/day, 12-hour
# clock, Brussels time without a zone), one row per join. For a webinar on 10 February 2022
# at 14:00 Brussels time (13:00 UTC): the host and a co-host, Chris 9 minutes, Dina 10,
# Eva twice (6 + 7 = 13 minutes, first at 14:03), Gert 45.
ROLES = """\
Name (Original Name),User Email,Role,Join Time,Leave Time,Duration (Minutes)
An Gastvrouw,an@coopkracht.test,Host,02/10/2022 01:55:00 PM,02/10/2022 03:05:00 PM,70
Bert Helper,bert@coopkracht.test,Co-host,02/10/2022 01:58:00 PM,02/10/2022 03:05:00 PM,67
Chris Kort,chris@example.test,Attendee,02/10/2022 02:10:00 PM,02/10/2022 02:19:00 PM,9
Dina Tien,dina@example.test,Attendee,02/10/2022 02:05:00 PM,02/10/2022 02:15:00 PM,10
Eva Twee,eva@example.test,Attendee,02/10/2022 02:03:00 PM,02/10/2022 02:09:00 PM,6
Gert Lang,gert@example.test,Attendee,02/10/2022 02:01:00 PM,02/10/2022 02:46:00 PM,45
Eva Twee,eva@example.test,Attendee,02/10/2022 02:30:00 PM,02/10/2022 02:37:00 PM,7
"""


def roles() -> bytes:
    return ROLES.replace("\n", "\r\n").encode("utf-8-sig")


# Zoom's "Active hosts" export with meeting data: every participant row repeats the meeting
# and its host (User Name, User Email) before "Name (Original Name)" and its own User Email.
ZOOM_WITH_MEETING_DATA = """\
Topic,Meeting ID,User Name,User Email,Department,Group,Has Zoom Rooms,Creation Time,Start Time,End Time,Duration (Minutes),Participants,Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In Waiting Room
Webinar ICA-principes,812 3456 7890,Coopkracht,info@coopkracht.test,,,No,02/01/2022 10:00:00 AM,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,94,3,Coopkracht,info@coopkracht.test,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,94,No,,No
Webinar ICA-principes,812 3456 7890,Coopkracht,info@coopkracht.test,,,No,02/01/2022 10:00:00 AM,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,94,3,Lies Peeters,lies@example.test,02/10/2022 07:01:10 PM,02/10/2022 08:30:00 PM,89,Yes,,No
Webinar ICA-principes,812 3456 7890,Coopkracht,info@coopkracht.test,,,No,02/01/2022 10:00:00 AM,02/10/2022 06:58:01 PM,02/10/2022 08:31:12 PM,94,3,Tom Nieuw,tom@nieuwecoop.test,02/10/2022 07:03:00 PM,02/10/2022 08:01:00 PM,58,Yes,,No
"""
