import { LightningElement, api } from 'lwc';

export default class RecoList extends LightningElement {
    @api heading;
    @api emptyMessage = 'Nothing to recommend here right now.';
    @api rows = [];

    get hasRows() {
        return Array.isArray(this.rows) && this.rows.length > 0;
    }

    // Rows' events stop at this component's shadow boundary; re-dispatch them so the container hears them
    // without making every event composed.
    forward(event) {
        event.stopPropagation();
        this.dispatchEvent(new CustomEvent(event.type, { detail: event.detail }));
    }
}
