"""The Textual console. Screens call `frontline.services.desk.Desk`; nothing here talks HTTP."""
