"""Helpdesk-neutral models and the services that hold frontline's logic. No Textual imports here."""
